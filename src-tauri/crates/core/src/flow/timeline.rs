//! One item's history as flow segments, and the start and finish of its cycle.
//!
//! This is where the definitions of `docs/metrics.md` ("Timelines", "Cycle time") become code;
//! every metric is an aggregate of these timelines.

use crate::graph::model::{FlowState, WaitReason};

use super::mapping::Meaning;

/// How backward moves decide a cycle's start and finish (see `docs/metrics.md`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum CycleRule {
    /// Finish = the last entry into done, and only if the item is still done; a return to New
    /// restarts the clock. A reopened item is unfinished work again.
    #[default]
    LastEntry,
    /// Finish = the first entry into done, whatever happened later; start = the first start.
    FirstEntry,
}

/// A change in an item's history, already resolved to its meaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// The workflow state changed to one with this meaning (None: the state is unmapped).
    State(Option<Meaning>),
    /// The item was flagged (true) or unflagged (false) as blocked.
    Flag(bool),
    /// A question about the item, recorded in Baton, was asked (true) or answered (false): while
    /// one is pending, the item's active or waiting time waits for that decision or approval.
    Question(WaitReason, bool),
}

/// The records of questions items waited on (`decisions`: asked in Baton, or a source's answered
/// in Baton), per item position: when each was asked, when it was answered (None: pending), and
/// whether it asks for a decision or an approval. An item with records takes its decision and
/// approval waits from them only (`docs/metrics.md`, "Waiting for a decision").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuestionWaits {
    has: Vec<bool>,
    by_item: std::collections::HashMap<u32, Vec<(i64, Option<i64>, WaitReason)>>,
}

impl QuestionWaits {
    /// No records, for an index of `items` items.
    pub fn new(items: usize) -> QuestionWaits {
        QuestionWaits {
            has: vec![false; items],
            by_item: std::collections::HashMap::new(),
        }
    }

    /// Item `item` waited on a question from `asked` until `answered`.
    pub fn add(&mut self, item: u32, asked: i64, answered: Option<i64>, reason: WaitReason) {
        if let Some(h) = self.has.get_mut(item as usize) {
            *h = true;
            self.by_item
                .entry(item)
                .or_default()
                .push((asked, answered, reason));
        }
    }

    /// The records of item `i`, if it has any.
    pub fn of(&self, i: usize) -> Option<&[(i64, Option<i64>, WaitReason)]> {
        if !self.has.get(i).copied().unwrap_or(false) {
            return None;
        }
        self.by_item.get(&(i as u32)).map(Vec::as_slice)
    }

    /// Items with records.
    pub fn items(&self) -> usize {
        self.by_item.len()
    }
}

/// A stretch of time in one effective state: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub start: i64,
    pub end: i64,
    pub flow: FlowState,
    pub reason: Option<WaitReason>,
}

/// An item's derived history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// Consecutive, non-empty segments from creation to `as_of` (effective states: a blocked
    /// flag turns active or waiting time into waiting/blocked).
    pub segments: Vec<Segment>,
    /// Start of the cycle (see [`CycleRule`]).
    pub start: Option<i64>,
    /// Finish of the cycle: the item was delivered then.
    pub finish: Option<i64>,
    /// When the item was canceled (its final state is canceled).
    pub canceled: Option<i64>,
    /// The first entry into a waiting or done state of the workflow (not a blocked flag): for a
    /// pull request, when it was first ready for review.
    pub ready: Option<i64>,
}

impl Timeline {
    /// The effective state at instant `t` (None before creation).
    pub fn state_at(&self, t: i64) -> Option<(FlowState, Option<WaitReason>)> {
        let i = self.segments.partition_point(|s| s.end <= t);
        self.segments
            .get(i)
            .filter(|s| s.start <= t)
            .map(|s| (s.flow, s.reason))
    }

    /// Active and waiting time inside `[start, finish)`: (active ms, waiting ms). Any time in the
    /// cycle that is not active counts as waiting.
    pub fn cycle_split(&self) -> Option<(i64, i64)> {
        let (start, finish) = (self.start?, self.finish?);
        let mut active = 0;
        for s in &self.segments {
            let overlap = s.end.min(finish) - s.start.max(start);
            if overlap > 0 && s.flow == FlowState::Active {
                active += overlap;
            }
        }
        Some((active, (finish - start) - active))
    }
}

/// The item passes through a state the workflow map does not know: its time cannot be
/// attributed, so metrics leave it out (and say so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmapped;

/// Whether entering a state with this meaning starts the cycle: active work, or a wait that
/// only comes after work — review, approval, security review (there is something to review).
/// A queue, a decision, a dependency, a blocked state or a wait without a reason can all come
/// before anyone works on the item, so they do not start it.
pub fn starts_cycle(m: Meaning) -> bool {
    match m {
        (FlowState::Active, _) => true,
        (FlowState::Waiting, Some(reason)) => matches!(
            reason,
            WaitReason::Review | WaitReason::Approval | WaitReason::Security
        ),
        _ => false,
    }
}

/// An entry into an underlying state: (time, flow state, whether it starts the cycle).
type Entry = (i64, FlowState, bool);

/// Buffers [`derive_into`] reuses from one item to the next.
#[derive(Debug, Default)]
pub struct TimelineScratch {
    entries: Vec<Entry>,
}

/// Derives an item's timeline (see [`derive_into`], which reuses buffers).
pub fn derive(
    created: i64,
    initial: Option<Meaning>,
    steps: &[(i64, Step)],
    as_of: i64,
    rule: CycleRule,
) -> Result<Timeline, Unmapped> {
    let mut timeline = Timeline::default();
    derive_into(
        created,
        initial,
        steps,
        as_of,
        rule,
        false,
        &mut timeline,
        &mut TimelineScratch::default(),
    )?;
    Ok(timeline)
}

/// Derives an item's timeline into `timeline`, overwriting it, with `scratch`'s buffers: a pass
/// over every item allocates nothing per item.
///
/// `initial` is the meaning of the state the item was created in; `steps` are its changes in
/// time order (`at`, step), ties in the order the source recorded them. Changes before `created`
/// count from `created`; changes at or after `as_of` are not seen (the range end is excluded,
/// like every day's end). `recorded`: the item has question records ([`QuestionWaits`]), so
/// its waits for a decision or an approval come from its [`Step::Question`]s only; a state that
/// means one counts as waiting without a reason.
#[allow(clippy::too_many_arguments)]
pub fn derive_into(
    created: i64,
    initial: Option<Meaning>,
    steps: &[(i64, Step)],
    as_of: i64,
    rule: CycleRule,
    recorded: bool,
    timeline: &mut Timeline,
    scratch: &mut TimelineScratch,
) -> Result<(), Unmapped> {
    let mut underlying = initial.ok_or(Unmapped)?;
    let mut flagged = false;
    // Questions pending now: (decisions, approvals).
    let mut asked = (0u32, 0u32);
    let mut t = created;
    let segments = &mut timeline.segments;
    segments.clear();
    // Entries into each underlying state, for start/finish.
    let entries = &mut scratch.entries;
    entries.clear();
    entries.push((created, underlying.0, starts_cycle(underlying)));

    let effective = |m: Meaning, flagged: bool, asked: (u32, u32)| -> Meaning {
        let working = matches!(m.0, FlowState::Active | FlowState::Waiting);
        if working && asked.0 > 0 {
            (FlowState::Waiting, Some(WaitReason::Decision))
        } else if working && asked.1 > 0 {
            (FlowState::Waiting, Some(WaitReason::Approval))
        } else if flagged && working {
            (FlowState::Waiting, Some(WaitReason::Blocked))
        } else if recorded
            && m.0 == FlowState::Waiting
            && matches!(m.1, Some(WaitReason::Decision | WaitReason::Approval))
        {
            (FlowState::Waiting, None)
        } else {
            m
        }
    };
    let push = |segments: &mut Vec<Segment>, from: i64, to: i64, m: Meaning| {
        if to <= from {
            return;
        }
        match segments.last_mut() {
            // Merge with the previous segment when nothing visible changed.
            Some(last) if last.end == from && last.flow == m.0 && last.reason == m.1 => {
                last.end = to
            }
            _ => segments.push(Segment {
                start: from,
                end: to,
                flow: m.0,
                reason: m.1,
            }),
        }
    };

    for &(at, step) in steps {
        if at >= as_of {
            break;
        }
        let at = at.max(created);
        push(segments, t, at, effective(underlying, flagged, asked));
        t = at;
        match step {
            Step::State(meaning) => {
                let meaning = meaning.ok_or(Unmapped)?;
                if meaning != underlying {
                    let starts = starts_cycle(meaning);
                    // A new flow state is an entry; so is a move between two waiting states
                    // into one that starts the cycle (a queue → review).
                    if meaning.0 != underlying.0 || (starts && !starts_cycle(underlying)) {
                        entries.push((at, meaning.0, starts));
                    }
                    underlying = meaning;
                }
            }
            Step::Flag(on) => flagged = on,
            Step::Question(reason, on) => {
                let count = if reason == WaitReason::Decision {
                    &mut asked.0
                } else {
                    &mut asked.1
                };
                *count = if on {
                    *count + 1
                } else {
                    count.saturating_sub(1)
                };
            }
        }
    }
    push(segments, t, as_of, effective(underlying, flagged, asked));

    let final_flow = underlying.0;
    let (start, finish) = cycle(entries, final_flow, rule);
    let canceled = (final_flow == FlowState::Canceled && finish.is_none())
        .then(|| entries.last().map(|e| e.0))
        .flatten();
    let ready = entries
        .iter()
        .find(|e| matches!(e.1, FlowState::Waiting | FlowState::Done))
        .map(|e| e.0);
    timeline.start = start;
    timeline.finish = finish;
    timeline.canceled = canceled;
    timeline.ready = ready;
    Ok(())
}

/// Start and finish from the entries into underlying flow states.
fn cycle(entries: &[Entry], final_flow: FlowState, rule: CycleRule) -> (Option<i64>, Option<i64>) {
    match rule {
        CycleRule::FirstEntry => {
            let finish_index = entries.iter().position(|e| e.1 == FlowState::Done);
            let before = &entries[..finish_index.map_or(entries.len(), |i| i + 1)];
            let start = start_in(before, finish_index.is_some());
            (start, finish_index.map(|i| entries[i].0))
        }
        CycleRule::LastEntry => {
            let finish_index = (final_flow == FlowState::Done).then(|| entries.len() - 1);
            // The clock restarts after the last return to New before the finish (or now).
            let end = finish_index.map_or(entries.len(), |i| i + 1);
            let restart = entries[..end]
                .iter()
                .rposition(|e| e.1 == FlowState::New)
                .map_or(0, |i| i + 1);
            let start = start_in(&entries[restart..end], finish_index.is_some());
            (start, finish_index.map(|i| entries[i].0))
        }
    }
}

/// The first entry into a state that starts the cycle ([`starts_cycle`]); for finished work
/// that never entered one (e.g. moved from a queue straight to done), the first entry into any
/// state but New.
fn start_in(entries: &[Entry], finished: bool) -> Option<i64> {
    entries.iter().find(|e| e.2).map(|e| e.0).or_else(|| {
        if finished {
            entries.iter().find(|e| e.1 != FlowState::New).map(|e| e.0)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlowState::*;

    const H: i64 = 3_600_000;
    const D: i64 = 24 * H;
    const NEW: Option<Meaning> = Some((New, None));
    const QUEUE: Option<Meaning> = Some((Waiting, Some(WaitReason::Queue)));
    const REVIEW: Option<Meaning> = Some((Waiting, Some(WaitReason::Review)));
    const ACTIVE: Option<Meaning> = Some((Active, None));
    const DONE: Option<Meaning> = Some((Done, None));
    const CANCELED: Option<Meaning> = Some((Canceled, None));

    fn st(at: i64, m: Option<Meaning>) -> (i64, Step) {
        (at, Step::State(m))
    }

    fn run(steps: &[(i64, Step)], rule: CycleRule) -> Timeline {
        derive(0, NEW, steps, 100 * D, rule).expect("mapped")
    }

    /// Hand-computed: active from day 1, a question asked on day 2 and answered on day 4, the
    /// state "needs a decision" from day 3 to day 6, active again, done on day 8.
    #[test]
    fn question_records_replace_the_states_waits_for_a_decision() {
        const DECIDE: Option<Meaning> = Some((Waiting, Some(WaitReason::Decision)));
        let states = [
            st(D, ACTIVE),
            st(3 * D, DECIDE),
            st(6 * D, ACTIVE),
            st(8 * D, DONE),
        ];
        let mut recorded = states.to_vec();
        recorded.push((2 * D, Step::Question(WaitReason::Decision, true)));
        recorded.push((4 * D, Step::Question(WaitReason::Decision, false)));
        recorded.sort_by_key(|s| s.0);
        let mut with = Timeline::default();
        derive_into(
            0,
            NEW,
            &recorded,
            100 * D,
            CycleRule::LastEntry,
            true,
            &mut with,
            &mut TimelineScratch::default(),
        )
        .expect("mapped");
        let without = run(&states, CycleRule::LastEntry);
        let seg = |t: &Timeline| -> Vec<(i64, i64, FlowState, Option<WaitReason>)> {
            t.segments
                .iter()
                .map(|s| (s.start / D, s.end / D, s.flow, s.reason))
                .collect()
        };
        assert_eq!(
            seg(&with),
            vec![
                (0, 1, New, None),
                (1, 2, Active, None),
                (2, 4, Waiting, Some(WaitReason::Decision)),
                (4, 6, Waiting, None),
                (6, 8, Active, None),
                (8, 100, Done, None),
            ],
            "the record's two days wait for a decision; the state's time after the answer \
             waits with no reason"
        );
        assert_eq!(
            seg(&without),
            vec![
                (0, 1, New, None),
                (1, 3, Active, None),
                (3, 6, Waiting, Some(WaitReason::Decision)),
                (6, 8, Active, None),
                (8, 100, Done, None),
            ],
            "without a record the state says it: three days"
        );
        assert_eq!(
            (with.start, with.finish),
            (without.start, without.finish),
            "records move no cycle"
        );
    }

    #[test]
    fn straight_flow_has_a_start_a_finish_and_consecutive_segments() {
        let t = run(
            &[
                st(D, QUEUE),
                st(2 * D, ACTIVE),
                st(4 * D, REVIEW),
                st(5 * D, ACTIVE),
                st(6 * D, DONE),
            ],
            CycleRule::LastEntry,
        );
        assert_eq!(
            t.start,
            Some(2 * D),
            "cycle starts at the first entry into active"
        );
        assert_eq!(t.finish, Some(6 * D), "and ends at the entry into done");
        assert_eq!(
            t.cycle_split(),
            Some((3 * D, D)),
            "2 days + 1 day active, 1 day in review"
        );
        assert!(
            t.segments.windows(2).all(|w| w[0].end == w[1].start),
            "segments are consecutive"
        );
        assert_eq!(
            t.segments.last().map(|s| (s.flow, s.end)),
            Some((Done, 100 * D))
        );
        assert_eq!(
            t.state_at(4 * D + H),
            Some((Waiting, Some(WaitReason::Review)))
        );
        assert_eq!(t.state_at(-1), None, "nothing before creation");
    }

    #[test]
    fn reopened_work_is_unfinished_under_last_entry_and_finished_under_first_entry() {
        let steps = [st(D, ACTIVE), st(3 * D, DONE), st(5 * D, ACTIVE)];
        let last = run(&steps, CycleRule::LastEntry);
        assert_eq!(
            (last.start, last.finish),
            (Some(D), None),
            "reopened: in progress again"
        );
        let first = run(&steps, CycleRule::FirstEntry);
        assert_eq!(
            (first.start, first.finish),
            (Some(D), Some(3 * D)),
            "first entry into done counts"
        );
    }

    #[test]
    fn done_twice_finishes_at_the_last_entry_under_last_entry() {
        let steps = [
            st(D, ACTIVE),
            st(3 * D, DONE),
            st(5 * D, ACTIVE),
            st(8 * D, DONE),
        ];
        let last = run(&steps, CycleRule::LastEntry);
        assert_eq!((last.start, last.finish), (Some(D), Some(8 * D)));
        assert_eq!(
            last.cycle_split(),
            Some((5 * D, 2 * D)),
            "time in done between the two finishes counts as waiting"
        );
        let first = run(&steps, CycleRule::FirstEntry);
        assert_eq!(first.finish, Some(3 * D));
    }

    #[test]
    fn a_return_to_the_backlog_restarts_the_clock_under_last_entry() {
        let steps = [
            st(D, ACTIVE),
            st(2 * D, NEW),
            st(10 * D, ACTIVE),
            st(12 * D, DONE),
        ];
        assert_eq!(run(&steps, CycleRule::LastEntry).start, Some(10 * D));
        let first = run(&steps, CycleRule::FirstEntry);
        assert_eq!(first.start, Some(D));
        assert_eq!(
            first.cycle_split(),
            Some((3 * D, 8 * D)),
            "backlog time inside the cycle is waiting"
        );
    }

    #[test]
    fn never_started_items_have_no_cycle_and_canceled_items_no_finish() {
        let t = run(&[st(D, QUEUE)], CycleRule::LastEntry);
        assert_eq!(
            (t.start, t.finish),
            (None, None),
            "queued but never started: not in WIP"
        );
        let c = run(&[st(D, ACTIVE), st(3 * D, CANCELED)], CycleRule::LastEntry);
        assert_eq!(
            (c.start, c.finish, c.canceled),
            (Some(D), None, Some(3 * D))
        );
    }

    #[test]
    fn finished_work_that_never_started_starts_when_it_left_new() {
        // Taken from the queue straight to done.
        let t = run(&[st(D, QUEUE), st(3 * D, DONE)], CycleRule::LastEntry);
        assert_eq!((t.start, t.finish), (Some(D), Some(3 * D)));
        assert_eq!(t.cycle_split(), Some((0, 2 * D)));
        // Backlog straight to done: a zero-length cycle.
        let t = run(&[st(D, DONE)], CycleRule::LastEntry);
        assert_eq!((t.start, t.finish), (Some(D), Some(D)));
    }

    #[test]
    fn an_instantaneous_pass_through_active_starts_the_cycle() {
        // Moved to In Progress and back to the queue in the same millisecond: the source says
        // someone started it, so the cycle has started (and the item is in progress).
        let t = run(
            &[st(D, QUEUE), st(2 * D, ACTIVE), st(2 * D, QUEUE)],
            CycleRule::LastEntry,
        );
        assert_eq!((t.start, t.finish), (Some(2 * D), None));
        assert!(
            t.segments.iter().all(|s| s.flow != Active),
            "the pass takes no time"
        );
        assert_eq!(t.cycle_split(), None);
    }

    #[test]
    fn review_approval_and_security_start_the_cycle_and_a_queue_does_not() {
        let approval = Some((Waiting, Some(WaitReason::Approval)));
        let security = Some((Waiting, Some(WaitReason::Security)));
        let decision = Some((Waiting, Some(WaitReason::Decision)));
        let blocked = Some((Waiting, Some(WaitReason::Blocked)));
        for (m, starts) in [
            (REVIEW, true),
            (approval, true),
            (security, true),
            (QUEUE, false),
            (decision, false),
            (blocked, false),
            (Some((Waiting, None)), false),
        ] {
            let t = run(&[st(D, QUEUE), st(3 * D, m)], CycleRule::LastEntry);
            assert_eq!(
                t.start,
                starts.then_some(3 * D),
                "{m:?}: a wait that follows work starts the cycle; one that can precede it does not"
            );
        }
        // A pull request opened for review (created in that state) starts at its creation.
        let t = derive(0, REVIEW, &[], 10 * D, CycleRule::LastEntry).unwrap();
        assert_eq!((t.start, t.ready), (Some(0), Some(0)));
    }

    #[test]
    fn a_change_at_as_of_is_not_seen() {
        let t = run(&[st(D, ACTIVE), st(100 * D, DONE)], CycleRule::LastEntry);
        assert_eq!(
            (t.finish, t.segments.last().map(|s| s.flow)),
            (None, Some(Active)),
            "the range end is excluded: a finish exactly at it belongs to the next day"
        );
    }

    #[test]
    fn blocked_time_inside_a_queue_counts_once() {
        // Active 1d, then queue 4d of which 2d also flagged blocked, then active 1d, done.
        let steps = [
            st(D, ACTIVE),
            st(2 * D, QUEUE),
            (3 * D, Step::Flag(true)),
            (5 * D, Step::Flag(false)),
            st(6 * D, ACTIVE),
            st(7 * D, DONE),
        ];
        let t = run(&steps, CycleRule::LastEntry);
        assert_eq!(
            t.cycle_split(),
            Some((2 * D, 4 * D)),
            "the 2 blocked days are part of the 4 waiting days, not added to them"
        );
        let blocked: i64 = t
            .segments
            .iter()
            .filter(|s| s.reason == Some(WaitReason::Blocked))
            .map(|s| s.end - s.start)
            .sum();
        assert_eq!(blocked, 2 * D, "and are attributed to 'blocked'");
        let queue: i64 = t
            .segments
            .iter()
            .filter(|s| s.reason == Some(WaitReason::Queue))
            .map(|s| s.end - s.start)
            .sum();
        assert_eq!(queue, 2 * D);
    }

    #[test]
    fn a_flag_on_active_work_makes_it_wait_and_a_flag_in_the_backlog_does_not() {
        let steps = [
            (0, Step::Flag(true)),
            st(D, ACTIVE),
            (3 * D, Step::Flag(false)),
            st(4 * D, DONE),
        ];
        let t = run(&steps, CycleRule::LastEntry);
        assert_eq!(
            t.state_at(H),
            Some((New, None)),
            "backlog items are not blocked work"
        );
        assert_eq!(t.start, Some(D), "a flag does not move the start");
        assert_eq!(t.cycle_split(), Some((D, 2 * D)));
    }

    #[test]
    fn same_instant_changes_keep_their_recorded_order() {
        let t = run(
            &[st(D, ACTIVE), st(D, REVIEW), st(D, DONE)],
            CycleRule::LastEntry,
        );
        assert_eq!((t.start, t.finish), (Some(D), Some(D)), "zero-length cycle");
        assert_eq!(t.cycle_split(), Some((0, 0)));
        assert!(
            t.segments.iter().all(|s| s.end > s.start),
            "no empty segments"
        );
    }

    #[test]
    fn changes_before_creation_count_from_creation_and_after_as_of_are_ignored() {
        let t = derive(
            5 * D,
            NEW,
            &[st(D, ACTIVE), st(20 * D, DONE)],
            10 * D,
            CycleRule::LastEntry,
        )
        .unwrap();
        assert_eq!(t.start, Some(5 * D));
        assert_eq!(t.finish, None, "done after as_of is not yet done");
        assert_eq!(t.segments.last().map(|s| s.end), Some(10 * D));
    }

    #[test]
    fn a_transition_to_the_same_state_changes_nothing() {
        let a = run(
            &[st(D, ACTIVE), st(2 * D, ACTIVE), st(3 * D, DONE)],
            CycleRule::LastEntry,
        );
        let b = run(&[st(D, ACTIVE), st(3 * D, DONE)], CycleRule::LastEntry);
        assert_eq!(a, b, "duplicated transitions (same state) are harmless");
    }

    #[test]
    fn unmapped_states_make_the_item_unattributable() {
        assert!(derive(0, NEW, &[st(D, None)], 10 * D, CycleRule::LastEntry).is_err());
        assert!(
            derive(0, None, &[], 10 * D, CycleRule::LastEntry).is_err(),
            "unmapped initial state too"
        );
        assert!(
            derive(0, NEW, &[st(20 * D, None)], 10 * D, CycleRule::LastEntry).is_ok(),
            "after as_of it does not matter"
        );
    }
}

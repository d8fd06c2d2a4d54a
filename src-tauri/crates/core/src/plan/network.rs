//! A forecast that respects dependencies: each open item is finished by its own team, at that
//! team's pace, and never before the items it waits on.
//!
//! Every trial replays the future day by day. On each day every team draws how many items it
//! finishes that day from its own daily throughput history (scaled by the lane's capacity for
//! that day, when a scenario changes it), and spends that capacity on its ready items in order.
//! An item is ready the day after the last of its blockers is finished (the same day would let
//! a chain of ten items finish in one afternoon). Capacity and sizes are counted in hundredths
//! of an item, so a half-size item or a team at 50% work out exactly. The trial ends on the day
//! the last item of the target is finished.
//!
//! Each trial also walks back from the target item finished last through the blocker each item
//! waited on longest: that chain is the trial's **critical path**, and the days each of its
//! items spent in its team's queue are charged to that team (they add up to the trial's days).

use crate::demo::rng::Rng;

use super::montecarlo::MAX_DAYS;

/// The size of an ordinary item, in capacity units.
pub const ITEM: u32 = 100;

/// One open item of the simulation.
#[derive(Debug, Clone)]
pub struct Job {
    /// The team (lane) that finishes it: a position in the lanes.
    pub lane: usize,
    /// Jobs (positions) that must be finished before it can be.
    pub blockers: Vec<u32>,
    /// Whether it belongs to what is forecast (upstream items only gate it).
    pub target: bool,
    /// Its size in capacity units ([`ITEM`] = one ordinary item).
    pub size: u32,
}

/// A team's capacity: its daily throughput history, and the share of it (percent) available on
/// each future day from day 1 (days past the end of `scale` are at 100%).
///
/// `stream` names the lane's random draws: each lane draws its day's throughput from its own
/// generator, seeded per trial from the seed and the stream, and draws every day whether or not
/// it has ready work, until its last job is finished (later draws would decide nothing). So a
/// lane draws the same capacities, day by day and trial by trial, in every scenario that keeps
/// it: a change elsewhere does not reshuffle its dice (common random numbers). 0 means "its
/// position in the lanes".
#[derive(Debug, Clone, Default)]
pub struct Lane {
    pub history: Vec<u32>,
    pub scale: Vec<u32>,
    pub stream: u64,
}

impl Lane {
    pub fn new(history: Vec<u32>) -> Lane {
        Lane {
            history,
            scale: Vec::new(),
            stream: 0,
        }
    }

    fn percent(&self, day: u32) -> u32 {
        self.scale.get(day as usize - 1).copied().unwrap_or(100)
    }
}

/// What the trials gave.
#[derive(Debug, Clone, Default)]
pub struct Simulated {
    /// For each trial, the day (1-based) the last target job is finished, or `None` past
    /// [`MAX_DAYS`].
    pub days: Vec<Option<u32>>,
    /// For each job, in how many trials it was on the critical path.
    pub critical: Vec<u32>,
    /// For each lane, the days its queue added to the critical path, summed over the trials
    /// that finished.
    pub lane_days: Vec<u64>,
}

/// For each job, the jobs it blocks.
fn dependents_of(jobs: &[Job]) -> Vec<Vec<u32>> {
    let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); jobs.len()];
    for (j, job) in jobs.iter().enumerate() {
        for b in &job.blockers {
            dependents[*b as usize].push(j as u32);
        }
    }
    dependents
}

/// Each lane's random stream: its own when set, else one numbered after the lane.
fn streams_of(lanes: &[Lane]) -> Vec<u64> {
    lanes
        .iter()
        .enumerate()
        .map(|(l, lane)| {
            if lane.stream == 0 {
                (1 << 40) + l as u64
            } else {
                lane.stream
            }
        })
        .collect()
}

/// Runs the trials. Jobs are taken in their order within a lane (the caller sorts them). A lane
/// whose history has no finished item never finishes anything: the caller says so instead of
/// simulating it. Blockers must not form a cycle (the caller breaks cycles).
pub(crate) fn simulate(jobs: &[Job], lanes: &[Lane], trials: u32, rng: &mut Rng) -> Simulated {
    let mut out = Simulated {
        days: Vec::with_capacity(trials as usize),
        critical: vec![0; jobs.len()],
        lane_days: vec![0; lanes.len()],
    };
    let targets = jobs.iter().filter(|j| j.target).count();
    if targets == 0 {
        out.days = vec![Some(0); trials as usize];
        return out;
    }
    let dependents = dependents_of(jobs);
    let base = rng.next_u64();
    let streams = streams_of(lanes);
    let shared = Shared {
        jobs,
        lanes,
        dependents: &dependents,
        targets,
        streams: &streams,
        base,
    };
    // Trials are independent (each seeds its own dice): large runs are split over the cores in
    // fixed chunks and put back in trial order, so the answer is the same on any machine.
    let work = trials as usize * (jobs.len() + 64);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(CHUNKS as usize);
    if work < PARALLEL_WORK || threads < 2 {
        let part = shared.run(0..trials);
        out.days = part.days;
        out.critical = part.critical;
        out.lane_days = part.lane_days;
        return out;
    }
    let step = trials.div_ceil(CHUNKS);
    let ranges: Vec<std::ops::Range<u32>> = (0..CHUNKS)
        .map(|c| (c * step).min(trials)..((c + 1) * step).min(trials))
        .collect();
    let parts: Vec<Simulated> = std::thread::scope(|scope| {
        let shared = &shared;
        let handles: Vec<_> = ranges
            .chunks(ranges.len().div_ceil(threads))
            .map(|group| {
                let group = group.to_vec();
                scope.spawn(move || group.into_iter().map(|r| shared.run(r)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for part in parts {
        out.days.extend(part.days);
        for (a, b) in out.critical.iter_mut().zip(part.critical) {
            *a += b;
        }
        for (a, b) in out.lane_days.iter_mut().zip(part.lane_days) {
            *a += b;
        }
    }
    if out.days.len() != trials as usize {
        // A worker panicked: run the trials here instead (the same answer, more slowly).
        let part = shared.run(0..trials);
        out.days = part.days;
        out.critical = part.critical;
        out.lane_days = part.lane_days;
    }
    out
}

/// Trials split into this many fixed chunks when run in parallel.
const CHUNKS: u32 = 8;
/// Below this much work (trials x jobs) the trials run on one thread.
const PARALLEL_WORK: usize = 2_000_000;

/// What every trial reads.
struct Shared<'a> {
    jobs: &'a [Job],
    lanes: &'a [Lane],
    dependents: &'a [Vec<u32>],
    targets: usize,
    streams: &'a [u64],
    base: u64,
}

impl Shared<'_> {
    /// The trials of `range`, in order.
    ///
    /// The same trials as replaying every day with every lane in lane order (`day_by_day` in
    /// the tests), with less work: each lane's jobs ready on day 1 are worked out ahead from
    /// its own dice, and the days are replayed only where something happens, visiting only
    /// the lanes with something to do, in lane order (a lane's dice are its own, so the order
    /// only decides the order in which released jobs join their queues). A lane draws one
    /// number a day from day 1 while it has jobs left; the draws of the days it waited with
    /// nothing ready decide nothing, so they are made when it next has work (the same numbers,
    /// in the same order, as drawing them on their days).
    fn run(&self, range: std::ops::Range<u32>) -> Simulated {
        let (jobs, lanes, dependents, targets, streams, base) = (
            self.jobs,
            self.lanes,
            self.dependents,
            self.targets,
            self.streams,
            self.base,
        );
        let mut out = Simulated {
            days: Vec::with_capacity(range.len()),
            critical: vec![0; jobs.len()],
            lane_days: vec![0; lanes.len()],
        };
        let n = jobs.len();
        // The trials number the jobs lane by lane (in job order within a lane), so a lane's
        // jobs sit together in memory; `order[k]` is the job numbered `k`, `number[j]` the
        // number of job `j`. The order of every queue and of every list of dependents is kept,
        // and the critical path is walked in job order, so nothing but the layout changes.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|j| (jobs[*j as usize].lane, *j));
        let mut number = vec![0u32; n];
        for (k, j) in order.iter().enumerate() {
            number[*j as usize] = k as u32;
        }
        // What each trial reads of a job, in one flat record: its size, lane, whether it is a
        // target, and where its dependents start in one list for all.
        let mut dependents_of: Vec<u32> = Vec::new();
        let mut job: Vec<JobFacts> = Vec::with_capacity(n);
        for j in &order {
            let (jb, d) = (&jobs[*j as usize], &dependents[*j as usize]);
            let from = dependents_of.len() as u32;
            dependents_of.extend(d.iter().map(|x| number[*x as usize]));
            job.push(JobFacts {
                size: jb.size,
                lane: jb.lane as u32,
                target: jb.target,
                dependents: from..dependents_of.len() as u32,
            });
        }
        let blockers: Vec<u32> = order
            .iter()
            .map(|j| jobs[*j as usize].blockers.len() as u32)
            .collect();
        // Each lane's queue of ready jobs is its own segment of one buffer, as long as the
        // lane's jobs: a job joins its lane's queue once a trial, so the queue never wraps.
        let mut per_lane = vec![0u32; lanes.len()];
        for j in jobs {
            per_lane[j.lane] += 1;
        }
        let mut segment = vec![0u32; lanes.len()];
        let mut at = 0;
        for (l, start) in segment.iter_mut().enumerate() {
            *start = at;
            at += per_lane[l];
        }
        // The jobs ready on day 1 (no blockers), in job order, are at the front of their lane's
        // queue in every trial (`queue[p]` for `p` in `segment..first_end`): a lane works
        // through them before any job released later, whatever the other lanes do. So each
        // trial first works them out lane by lane, from the lane's own dice alone: the running
        // sum of its daily capacities says on which day each is finished, and only the days
        // that matter elsewhere are kept (events): when a job with dependents is finished (it
        // releases them, and the critical path reads its day), when the lane's last target
        // among them is (its targets are all done then), and when the last of them is (with
        // what is left of that day's capacity, the lane then turns to its released jobs). The
        // days are then replayed only where something happens: the events in lane order and
        // the lanes working on released jobs, as one day-by-day replay would take them.
        let mut first_queue = vec![0u32; n];
        // Each queued job's size beside it (read in queue order rather than by job).
        let mut first_sizes = vec![0u32; n];
        let mut first_len = vec![0u32; lanes.len()];
        let mut first_ready_day = vec![0u32; n];
        for (k, j) in order.iter().enumerate() {
            let jb = &jobs[*j as usize];
            if jb.blockers.is_empty() {
                let l = jb.lane;
                first_queue[(segment[l] + first_len[l]) as usize] = k as u32;
                first_sizes[(segment[l] + first_len[l]) as usize] = jb.size;
                first_len[l] += 1;
                first_ready_day[k] = 1;
            }
        }
        // A first job is finished on the first day the lane's capacity summed from day 1
        // passes its key: the units spent on the lane's first jobs up to its last unit (up to
        // its start for a job of no units, which is finished only if some capacity reaches it).
        let mut keys = vec![0u64; n];
        // Per lane: the positions of its events (first jobs with dependents, and its last
        // first target) in one list, in queue order; its last first target; how many targets
        // are among its first jobs; the units they need in all.
        let mut events: Vec<u32> = Vec::new();
        let mut plan: Vec<LanePlan> = Vec::with_capacity(lanes.len());
        for l in 0..lanes.len() {
            let (start, end) = (segment[l] as usize, (segment[l] + first_len[l]) as usize);
            let from = events.len() as u32;
            let mut units = 0u64;
            let mut last_target = None;
            let mut first_targets = 0u32;
            for (p, key) in keys.iter_mut().enumerate().take(end).skip(start) {
                let facts = &job[first_queue[p] as usize];
                *key = if facts.size > 0 {
                    units + u64::from(facts.size) - 1
                } else {
                    units
                };
                units += u64::from(facts.size);
                if facts.target {
                    first_targets += 1;
                    last_target = Some(p as u32);
                }
                if !facts.dependents.is_empty() {
                    events.push(p as u32);
                }
            }
            if let Some(t) = last_target {
                let at = events[from as usize..].partition_point(|p| *p < t) + from as usize;
                if events.get(at) != Some(&t) {
                    events.insert(at, t);
                }
            }
            plan.push(LanePlan {
                events: from..events.len() as u32,
                last_target: last_target.unwrap_or(u32::MAX),
                first_targets,
                units,
                released_too: per_lane[l] > first_len[l],
                paced: !lanes[l].history.is_empty(),
            });
        }
        // The day of each event in this trial (`NEVER`: not within `MAX_DAYS`).
        let mut event_day = vec![NEVER; events.len()];
        // Neither needs setting again each trial: a trial only appends to its queues past the
        // jobs ready on day 1 (which stay where they are), and sets the ready day of every job
        // it releases (a job without blockers is ready on day 1 in every trial).
        let mut queue = first_queue;
        let mut sizes = first_sizes;
        let mut ready_day = first_ready_day;
        let mut waiting = vec![0u32; n];
        // Set when a job is finished, and read only for the target finished last and for jobs
        // with dependents (the only ones the critical path reads).
        let mut finish_day = vec![0u32; n];
        let mut lane: Vec<LaneRun> = vec![LaneRun::default(); lanes.len()];
        let mut released: Vec<u32> = Vec::new();
        // Lanes working on released jobs (their first jobs done), in lane order, and those
        // joining them after the day.
        let mut active: Vec<u32> = Vec::with_capacity(lanes.len());
        let mut joining: Vec<u32> = Vec::with_capacity(lanes.len());
        let mut calendar: Vec<u64> = Vec::new();
        let mut stamps: Vec<u64> = Vec::new();
        let mut per_day: Vec<u32> = Vec::new();
        let mut dice: Vec<Rng> = Vec::with_capacity(lanes.len());
        for trial in range {
            dice.clear();
            dice.extend(
                streams
                    .iter()
                    .map(|s| Rng::stream(base ^ u64::from(trial).wrapping_mul(0x9E37_79B9), *s)),
            );
            waiting.copy_from_slice(&blockers);
            // The first jobs of each lane, worked out on its own dice.
            for (l, (run, plan)) in lane.iter_mut().zip(&plan).enumerate() {
                let first_end = segment[l] + first_len[l];
                run.head = first_end;
                run.tail = first_end;
                run.head_left = 0;
                run.next_event = plan.events.start;
                run.drawn = 0;
                run.leftover = 0;
                if first_len[l] == 0 {
                    // Straight to the jobs released to it.
                    run.switch = 0;
                    continue;
                }
                run.switch = NEVER;
                let span = plan.events.start as usize..plan.events.end as usize;
                if !plan.paced {
                    event_day[span].fill(NEVER);
                    continue;
                }
                let (lane_of, history) = (&lanes[l], &lanes[l].history);
                // The lane's dice here, so that the loop keeps them in registers.
                let mut rng = dice[l].clone();
                // The capacity summed over days 1..=d.
                let (mut spent, mut d) = (0u64, 0u32);
                let mut reach = |key: u64| -> u32 {
                    while spent <= key {
                        if d == MAX_DAYS {
                            return NEVER;
                        }
                        d += 1;
                        let drawn = history[rng.below(history.len())];
                        spent += u64::from(drawn * lane_of.percent(d));
                    }
                    d
                };
                for (e, p) in event_day[span.clone()]
                    .iter_mut()
                    .zip(&events[span.clone()])
                {
                    *e = reach(keys[*p as usize]);
                }
                if plan.released_too {
                    let at = reach(keys[first_end as usize - 1]);
                    if at != NEVER {
                        run.switch = at;
                        run.leftover = (spent - plan.units) as u32;
                    }
                }
                run.drawn = d;
                dice[l] = rng;
            }
            // The lane-days on which a lane's first jobs have events or end (`day << 32 |
            // lane`), lane by lane, then by day then lane: counted per day and put in place,
            // keeping the lane order within a day.
            stamps.clear();
            let mut latest = 0u32;
            for (l, (run, plan)) in lane.iter().zip(&plan).enumerate() {
                let mut previous = NEVER;
                for d in &event_day[plan.events.start as usize..plan.events.end as usize] {
                    if *d != previous && *d != NEVER {
                        stamps.push((u64::from(*d) << 32) | l as u64);
                        previous = *d;
                        latest = latest.max(*d);
                    }
                }
                if run.switch != NEVER && run.switch != 0 && run.switch != previous {
                    stamps.push((u64::from(run.switch) << 32) | l as u64);
                    latest = latest.max(run.switch);
                }
            }
            per_day.clear();
            per_day.resize(latest as usize + 1, 0);
            for e in &stamps {
                per_day[(e >> 32) as usize] += 1;
            }
            // Each day's count becomes where its lane-days start.
            let mut before = 0;
            for count in per_day.iter_mut() {
                (*count, before) = (before, before + *count);
            }
            calendar.clear();
            calendar.resize(stamps.len(), 0);
            for e in &stamps {
                let at = &mut per_day[(e >> 32) as usize];
                calendar[*at as usize] = *e;
                *at += 1;
            }
            active.clear();
            let mut left = targets;
            let mut outcome = None;
            let mut last = 0u32;
            let mut at = 0;
            let mut day = 0u32;
            loop {
                // The next day something happens: tomorrow while lanes work on released jobs,
                // else the calendar's next day.
                day = if !active.is_empty() {
                    day + 1
                } else if let Some(e) = calendar.get(at) {
                    (e >> 32) as u32
                } else {
                    break;
                };
                if day > MAX_DAYS {
                    break;
                }
                released.clear();
                joining.clear();
                let mut emptied = false;
                // The lanes of the day's calendar and the lanes working on released jobs, in
                // lane order (a lane is never both: it works on released jobs once its first
                // jobs are done).
                let mut next_active = 0;
                loop {
                    let listed = calendar
                        .get(at)
                        .filter(|e| (**e >> 32) as u32 == day)
                        .map(|e| (*e & 0xFFFF_FFFF) as usize);
                    let working = active.get(next_active).map(|l| *l as usize);
                    let (l, from_calendar) = match (listed, working) {
                        (Some(a), Some(b)) if a < b => (a, true),
                        (Some(a), None) => (a, true),
                        (_, Some(b)) => (b, false),
                        (None, None) => break,
                    };
                    let run = &mut lane[l];
                    let plan = &plan[l];
                    let mut capacity = 0;
                    if from_calendar {
                        at += 1;
                        // Today's events among its first jobs, in queue order.
                        while run.next_event < plan.events.end
                            && event_day[run.next_event as usize] == day
                        {
                            let p = events[run.next_event as usize];
                            run.next_event += 1;
                            let j = queue[p as usize] as usize;
                            finish_day[j] = day;
                            if p == plan.last_target {
                                left -= plan.first_targets as usize;
                                last = j as u32;
                            }
                            let facts = &job[j];
                            for d in &dependents_of
                                [facts.dependents.start as usize..facts.dependents.end as usize]
                            {
                                let w = &mut waiting[*d as usize];
                                *w -= 1;
                                if *w == 0 {
                                    released.push(*d);
                                }
                            }
                        }
                        // Its first jobs end today: what is left of the day goes to the jobs
                        // released to it since, if any.
                        if day == run.switch && run.head < run.tail {
                            capacity = run.leftover;
                            joining.push(l as u32);
                        }
                    } else {
                        next_active += 1;
                        let history = &lanes[l].history;
                        let rng = &mut dice[l];
                        // The draws of the days it waited, then today's.
                        while run.drawn + 1 < day {
                            rng.next_u64();
                            run.drawn += 1;
                        }
                        run.drawn = day;
                        let drawn = history[rng.below(history.len())];
                        capacity = drawn * lanes[l].percent(day);
                    }
                    while capacity > 0 {
                        let j = queue[run.head as usize] as usize;
                        let spent = capacity.min(run.head_left);
                        capacity -= spent;
                        run.head_left -= spent;
                        if run.head_left > 0 {
                            break;
                        }
                        run.head += 1;
                        finish_day[j] = day;
                        let facts = &job[j];
                        if facts.target {
                            left -= 1;
                            last = j as u32;
                        }
                        for d in &dependents_of
                            [facts.dependents.start as usize..facts.dependents.end as usize]
                        {
                            let w = &mut waiting[*d as usize];
                            *w -= 1;
                            if *w == 0 {
                                released.push(*d);
                            }
                        }
                        if run.head == run.tail {
                            run.head_left = 0;
                            emptied = true;
                            break;
                        }
                        run.head_left = sizes[run.head as usize];
                    }
                }
                if left == 0 {
                    outcome = Some(day);
                    break;
                }
                if emptied {
                    active.retain(|l| lane[*l as usize].head < lane[*l as usize].tail);
                }
                for l in &joining {
                    let run = &lane[*l as usize];
                    if run.head < run.tail && plan[*l as usize].paced {
                        let at = active.partition_point(|a| a < l);
                        active.insert(at, *l);
                    }
                }
                for j in &released {
                    let j = *j as usize;
                    let l = job[j].lane as usize;
                    let run = &mut lane[l];
                    if run.head == run.tail {
                        run.head_left = job[j].size;
                        // Back among the lanes working on released jobs, in lane order, once
                        // its first jobs are done (before, its calendar has the day they are).
                        if run.switch <= day && plan[l].paced {
                            let at = active.partition_point(|a| (*a as usize) < l);
                            active.insert(at, l as u32);
                        }
                    }
                    queue[run.tail as usize] = j as u32;
                    sizes[run.tail as usize] = job[j].size;
                    run.tail += 1;
                    ready_day[j] = day + 1;
                }
            }
            if outcome.is_some() {
                // The critical path of this trial: from the target finished last, back through the
                // blocker finished last (the one it waited on).
                let mut at = order[last as usize] as usize;
                loop {
                    let k = number[at] as usize;
                    out.critical[at] += 1;
                    out.lane_days[jobs[at].lane] +=
                        u64::from(finish_day[k] + 1).saturating_sub(u64::from(ready_day[k]));
                    match jobs[at].blockers.iter().max_by_key(|b| {
                        (
                            finish_day[number[**b as usize] as usize],
                            std::cmp::Reverse(**b),
                        )
                    }) {
                        Some(b) => at = *b as usize,
                        None => break,
                    }
                }
            }
            out.days.push(outcome);
        }
        out
    }
}

/// What a trial reads of a job.
#[derive(Debug, Clone)]
struct JobFacts {
    size: u32,
    lane: u32,
    target: bool,
    /// Its dependents' place in the list of all dependents.
    dependents: std::ops::Range<u32>,
}

/// What every trial of a lane starts from.
#[derive(Debug, Clone)]
struct LanePlan {
    /// Its events' place in the list of all events.
    events: std::ops::Range<u32>,
    /// The queue position of its last target among its first jobs (`u32::MAX`: none), and
    /// how many targets there are among them.
    last_target: u32,
    first_targets: u32,
    /// The units its first jobs need in all.
    units: u64,
    /// Whether jobs are released to it during a trial (it has jobs with blockers).
    released_too: bool,
    /// Whether it has a pace (a history to draw from).
    paced: bool,
}

/// A day that never comes (past [`MAX_DAYS`]).
const NEVER: u32 = u32::MAX;

/// A lane's state during a trial: its queue of released jobs (a segment of the shared buffer,
/// `head..tail`, after its first jobs), the units left of the job at its head, the days it
/// has drawn for, and its first jobs' progress: its next event, and the day they are all done
/// (`switch`) with what is left of that day's capacity.
#[derive(Debug, Clone, Default)]
struct LaneRun {
    head: u32,
    tail: u32,
    head_left: u32,
    drawn: u32,
    next_event: u32,
    switch: u32,
    leftover: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(lane: usize, blockers: &[u32], target: bool) -> Job {
        Job {
            lane,
            blockers: blockers.to_vec(),
            target,
            size: ITEM,
        }
    }

    fn lanes(histories: &[&[u32]]) -> Vec<Lane> {
        histories.iter().map(|h| Lane::new(h.to_vec())).collect()
    }

    #[test]
    fn a_chain_takes_a_day_per_link_even_for_a_fast_team() {
        // Team 0 finishes 5 items a day, but a chain of 4 items needs 4 days: each item is
        // ready only the day after its blocker is finished.
        let jobs = vec![
            job(0, &[], true),
            job(0, &[0], true),
            job(0, &[1], true),
            job(0, &[2], true),
        ];
        let days = simulate(&jobs, &lanes(&[&[5]]), 50, &mut Rng::new(1)).days;
        assert!(days.iter().all(|d| *d == Some(4)));
    }

    #[test]
    fn an_item_waits_for_a_blocker_of_a_slower_team() {
        // Team 1 finishes one item a day: its two items are done on days 1 and 2. Team 0's item
        // waits for the second, is ready on day 3 and, team 0 being fast, done that day.
        let jobs = vec![job(1, &[], false), job(1, &[], false), job(0, &[1], true)];
        let days = simulate(&jobs, &lanes(&[&[10], &[1]]), 20, &mut Rng::new(9)).days;
        assert!(days.iter().all(|d| *d == Some(3)), "{days:?}");
    }

    #[test]
    fn independent_teams_work_in_parallel() {
        // Two teams, three items each, one item a day each: three days, not six.
        let jobs: Vec<Job> = (0..6).map(|j| job(j % 2, &[], true)).collect();
        let days = simulate(&jobs, &lanes(&[&[1], &[1]]), 10, &mut Rng::new(2)).days;
        assert!(days.iter().all(|d| *d == Some(3)));
    }

    #[test]
    fn a_team_that_never_finishes_anything_gives_no_date() {
        let jobs = vec![job(0, &[], true)];
        let days = simulate(&jobs, &lanes(&[&[0, 0]]), 3, &mut Rng::new(2)).days;
        assert!(days.iter().all(Option::is_none));
    }

    #[test]
    fn the_critical_path_runs_through_the_slow_blocker_and_its_team_gets_the_days() {
        // Team 1 (one a day) finishes b0 then b1; team 0 (fast) finishes a (blocked by b1) on
        // day 3, and c (no blocker) on day 1. The chain is b0 (queue day 1) -> b1 (day 2) ->
        // a (day 3): team 1 accounts for 2 of the 3 days, team 0 for 1.
        let jobs = vec![
            job(1, &[], false),
            job(1, &[0], false),
            job(0, &[1], true),
            job(0, &[], true),
        ];
        let s = simulate(&jobs, &lanes(&[&[10], &[1]]), 10, &mut Rng::new(4));
        assert!(s.days.iter().all(|d| *d == Some(3)), "{:?}", s.days);
        assert_eq!(
            s.critical,
            vec![10, 10, 10, 0],
            "c is never on the critical path"
        );
        assert_eq!(
            s.lane_days,
            vec![10, 20],
            "the days of each trial are split by team"
        );
    }

    #[test]
    fn sizes_and_capacity_are_counted_in_hundredths_of_an_item() {
        // One item a day. A job of size 2.5 items takes 3 days (2.5 rounded up to whole days);
        // the next job of size 0.5 is done in the rest of day 3.
        let mut big = job(0, &[], true);
        big.size = 250;
        let mut small = job(0, &[], true);
        small.size = 50;
        let s = simulate(&[big, small], &lanes(&[&[1]]), 5, &mut Rng::new(1));
        assert!(s.days.iter().all(|d| *d == Some(3)), "{:?}", s.days);
        // The same two ordinary items at 50% capacity on days 1-4 (holidays would be 0%): two
        // items need four half days.
        let half = Lane {
            history: vec![1],
            scale: vec![50, 50, 50, 50],
            stream: 0,
        };
        let s = simulate(
            &[job(0, &[], true), job(0, &[], true)],
            std::slice::from_ref(&half),
            5,
            &mut Rng::new(1),
        );
        assert!(s.days.iter().all(|d| *d == Some(4)), "{:?}", s.days);
        // A holiday on days 1-2 pushes both by two days.
        let holiday = Lane {
            history: vec![1],
            scale: vec![0, 0],
            stream: 0,
        };
        let s = simulate(
            &[job(0, &[], true), job(0, &[], true)],
            &[holiday],
            5,
            &mut Rng::new(1),
        );
        assert!(s.days.iter().all(|d| *d == Some(4)), "{:?}", s.days);
    }

    /// The simulation as first written, every lane drawing every day in lane order: what the
    /// faster [`Shared::run`] must give, trial by trial.
    fn day_by_day(shared: &Shared<'_>, range: std::ops::Range<u32>) -> Simulated {
        let (jobs, lanes, dependents, targets, streams, base) = (
            shared.jobs,
            shared.lanes,
            shared.dependents,
            shared.targets,
            shared.streams,
            shared.base,
        );
        let mut out = Simulated {
            days: Vec::with_capacity(range.len()),
            critical: vec![0; jobs.len()],
            lane_days: vec![0; lanes.len()],
        };
        let n = jobs.len();
        // What each trial reads of a job, in flat arrays: its size, lane, whether it is a
        // target, how many blockers it waits on, and (one list for all) who waits on it.
        let size: Vec<u32> = jobs.iter().map(|j| j.size).collect();
        let lane_of: Vec<usize> = jobs.iter().map(|j| j.lane).collect();
        let target: Vec<bool> = jobs.iter().map(|j| j.target).collect();
        let blockers: Vec<u32> = jobs.iter().map(|j| j.blockers.len() as u32).collect();
        let mut dependents_at: Vec<usize> = Vec::with_capacity(n + 1);
        let mut dependents_of: Vec<u32> = Vec::new();
        dependents_at.push(0);
        for d in dependents {
            dependents_of.extend_from_slice(d);
            dependents_at.push(dependents_of.len());
        }
        // Jobs of each lane not finished yet. A lane with none left stops drawing: its dice
        // are its own, so the draws it skips would have decided nothing.
        let mut per_lane = vec![0usize; lanes.len()];
        for job in jobs {
            per_lane[job.lane] += 1;
        }
        let mut unfinished: Vec<usize> = per_lane.clone();
        // Each lane's queue of ready jobs is its own segment of one buffer, as long as the
        // lane's jobs: a job joins its lane's queue once a trial, so the queue never wraps.
        let mut segment = vec![0usize; lanes.len()];
        let mut at = 0;
        for (l, start) in segment.iter_mut().enumerate() {
            *start = at;
            at += per_lane[l];
        }
        // The jobs ready on day 1 (no blockers), in job order, where each trial's queues start.
        let mut first_queue = vec![0u32; n];
        let mut first_len = vec![0usize; lanes.len()];
        let mut first_ready_day = vec![0u32; n];
        for (j, job) in jobs.iter().enumerate() {
            if job.blockers.is_empty() {
                let l = job.lane;
                first_queue[segment[l] + first_len[l]] = j as u32;
                first_len[l] += 1;
                first_ready_day[j] = 1;
            }
        }
        let mut queue = vec![0u32; n];
        let mut head = vec![0usize; lanes.len()];
        let mut tail = vec![0usize; lanes.len()];
        let mut waiting = vec![0u32; n];
        // The units left of the job at the head of each lane.
        let mut head_left: Vec<u32> = vec![0; lanes.len()];
        let mut ready_day = vec![0u32; n];
        // Set when a job is finished, and read only for finished jobs and their blockers.
        let mut finish_day = vec![0u32; n];
        let mut released: Vec<u32> = Vec::new();
        let mut dice: Vec<Rng> = Vec::with_capacity(lanes.len());
        for trial in range {
            dice.clear();
            dice.extend(
                streams
                    .iter()
                    .map(|s| Rng::stream(base ^ u64::from(trial).wrapping_mul(0x9E37_79B9), *s)),
            );
            waiting.copy_from_slice(&blockers);
            ready_day.copy_from_slice(&first_ready_day);
            queue.copy_from_slice(&first_queue);
            for l in 0..lanes.len() {
                head[l] = segment[l];
                tail[l] = segment[l] + first_len[l];
                head_left[l] = if first_len[l] > 0 {
                    size[queue[segment[l]] as usize]
                } else {
                    0
                };
            }
            unfinished.copy_from_slice(&per_lane);
            let mut left = targets;
            let mut outcome = None;
            let mut last = 0u32;
            'days: for day in 1..=MAX_DAYS {
                released.clear();
                for (l, lane) in lanes.iter().enumerate() {
                    if lane.history.is_empty() || unfinished[l] == 0 {
                        continue;
                    }
                    // Drawn even when nothing is ready, to keep the lane's dice in step.
                    let drawn = lane.history[dice[l].below(lane.history.len())];
                    if head[l] == tail[l] {
                        continue;
                    }
                    let mut capacity = drawn * lane.percent(day);
                    while capacity > 0 && head[l] < tail[l] {
                        let j = queue[head[l]] as usize;
                        let spent = capacity.min(head_left[l]);
                        capacity -= spent;
                        head_left[l] -= spent;
                        if head_left[l] > 0 {
                            break;
                        }
                        head[l] += 1;
                        head_left[l] = if head[l] < tail[l] {
                            size[queue[head[l]] as usize]
                        } else {
                            0
                        };
                        finish_day[j] = day;
                        unfinished[l] -= 1;
                        if target[j] {
                            left -= 1;
                            last = j as u32;
                        }
                        for d in &dependents_of[dependents_at[j]..dependents_at[j + 1]] {
                            let w = &mut waiting[*d as usize];
                            *w -= 1;
                            if *w == 0 {
                                released.push(*d);
                            }
                        }
                    }
                }
                if left == 0 {
                    outcome = Some(day);
                    break 'days;
                }
                for j in &released {
                    let j = *j as usize;
                    let l = lane_of[j];
                    if head[l] == tail[l] {
                        head_left[l] = size[j];
                    }
                    queue[tail[l]] = j as u32;
                    tail[l] += 1;
                    ready_day[j] = day + 1;
                }
            }
            if outcome.is_some() {
                // The critical path of this trial: from the target finished last, back through the
                // blocker finished last (the one it waited on).
                let mut at = last as usize;
                loop {
                    out.critical[at] += 1;
                    out.lane_days[jobs[at].lane] +=
                        u64::from(finish_day[at] + 1).saturating_sub(u64::from(ready_day[at]));
                    match jobs[at]
                        .blockers
                        .iter()
                        .max_by_key(|b| (finish_day[**b as usize], std::cmp::Reverse(**b)))
                    {
                        Some(b) => at = *b as usize,
                        None => break,
                    }
                }
            }
            out.days.push(outcome);
        }
        out
    }

    /// The trials `Shared::run` gives equal those of [`day_by_day`], trial by trial: days,
    /// critical paths and days per lane.
    fn assert_same_trials(case: u64, jobs: &[Job], lanes: &[Lane], base: u64, trials: u32) {
        let dependents = dependents_of(jobs);
        let streams = streams_of(lanes);
        let shared = Shared {
            jobs,
            lanes,
            dependents: &dependents,
            targets: jobs.iter().filter(|j| j.target).count(),
            streams: &streams,
            base,
        };
        let fast = shared.run(0..trials);
        let slow = day_by_day(&shared, 0..trials);
        assert_eq!(
            fast.days, slow.days,
            "case {case}: the same days, trial by trial"
        );
        assert_eq!(
            fast.critical, slow.critical,
            "case {case}: the same critical paths"
        );
        assert_eq!(
            fast.lane_days, slow.lane_days,
            "case {case}: the same days per lane"
        );
    }

    #[test]
    fn visiting_only_lanes_with_ready_work_gives_the_same_trials_as_every_lane_every_day() {
        // Random networks: chains across lanes, lanes that wait long for their blockers, a lane
        // without history, holidays and part-time scales, sizes of half to three items.
        let mut rng = Rng::new(11);
        for case in 0..40u64 {
            let lane_count = 1 + rng.below(6);
            let lanes: Vec<Lane> = (0..lane_count)
                .map(|l| Lane {
                    history: if case % 7 == 3 && l == lane_count - 1 {
                        Vec::new()
                    } else {
                        (0..1 + rng.below(30))
                            .map(|_| rng.below(4) as u32)
                            .collect()
                    },
                    scale: (0..rng.below(40))
                        .map(|_| [0, 50, 100, 150][rng.below(4)])
                        .collect(),
                    stream: if case % 2 == 0 { 0 } else { 7 + l as u64 },
                })
                .collect();
            let n = 1 + rng.below(120) as u32;
            let jobs: Vec<Job> = (0..n)
                .map(|j| {
                    let blockers: Vec<u32> = (0..rng.below(3))
                        .filter(|_| j > 0)
                        .map(|_| rng.below(j as usize) as u32)
                        .fold(Vec::new(), |mut v, b| {
                            if !v.contains(&b) {
                                v.push(b);
                            }
                            v
                        });
                    Job {
                        lane: rng.below(lane_count),
                        blockers,
                        target: rng.below(3) > 0,
                        size: [50, 100, 100, 250, 300][rng.below(5)],
                    }
                })
                .collect();
            assert_same_trials(case, &jobs, &lanes, rng.next_u64(), 300);
        }
    }

    #[test]
    fn working_out_each_lanes_first_jobs_ahead_gives_the_same_trials_as_every_lane_every_day() {
        // Networks shaped like real intents: most jobs ready on day 1, a few waiting on others
        // (across lanes and within one), some with many dependents; and the edges of working
        // the first jobs out ahead: jobs of no units, a lane with no first jobs, a lane with
        // only first jobs, a lane without pace or with a pace of zeros (its first jobs never
        // end within ten years), holidays on the first days, few or no targets among the
        // first jobs, and capacity left over on the day a lane's first jobs end.
        let mut rng = Rng::new(29);
        for case in 0..60u64 {
            let lane_count = 1 + rng.below(8);
            let lanes: Vec<Lane> = (0..lane_count)
                .map(|l| Lane {
                    history: match (case % 11, l) {
                        (4, 0) => Vec::new(),
                        (7, 1) => vec![0, 0, 0],
                        _ => (0..1 + rng.below(90))
                            .map(|_| rng.below(7) as u32)
                            .collect(),
                    },
                    scale: (0..rng.below(20))
                        .map(|_| [0, 25, 50, 100, 100, 150][rng.below(6)])
                        .collect(),
                    stream: if case % 3 == 0 { 0 } else { 5 + l as u64 },
                })
                .collect();
            let n = 1 + rng.below(400) as u32;
            let waiting_share = [3, 10, 15, 30, 60][rng.below(5)];
            let target_share = [0, 20, 80, 100][rng.below(4)];
            let mut jobs: Vec<Job> = (0..n)
                .map(|j| {
                    let blockers: Vec<u32> = if j > 0 && rng.below(100) < waiting_share {
                        let mut b: Vec<u32> = (0..1 + rng.below(3))
                            .map(|_| rng.below(j as usize) as u32)
                            .collect();
                        b.sort_unstable();
                        b.dedup();
                        b
                    } else {
                        Vec::new()
                    };
                    Job {
                        lane: if case % 5 == 2 && !blockers.is_empty() {
                            // The lane that only gets released jobs.
                            lane_count - 1
                        } else {
                            rng.below(lane_count)
                        },
                        blockers,
                        target: rng.below(100) < target_share,
                        size: [0, 50, 100, 100, 100, 250, 700][rng.below(7)],
                    }
                })
                .collect();
            if jobs.iter().all(|j| !j.target) {
                jobs[rng.below(n as usize)].target = true;
            }
            assert_same_trials(case, &jobs, &lanes, rng.next_u64(), 200);
        }
    }

    #[test]
    fn trials_split_over_threads_give_the_same_answer_as_one_thread() {
        // 600 jobs on three lanes with random paces and a few chains: enough work to split.
        let mut rng = Rng::new(3);
        let jobs: Vec<Job> = (0..600u32)
            .map(|j| {
                let blockers = if j > 10 && j % 7 == 0 {
                    vec![j - 10]
                } else {
                    vec![]
                };
                job((j % 3) as usize, &blockers, j % 2 == 0)
            })
            .collect();
        let lanes: Vec<Lane> = (0..3)
            .map(|_| Lane::new((0..30).map(|_| rng.below(6) as u32).collect()))
            .collect();
        let parallel = simulate(&jobs, &lanes, 5_000, &mut Rng::new(9));
        let mut seeded = Rng::new(9);
        let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); jobs.len()];
        for (j, job) in jobs.iter().enumerate() {
            for b in &job.blockers {
                dependents[*b as usize].push(j as u32);
            }
        }
        let streams: Vec<u64> = (0..3).map(|l| (1 << 40) + l).collect();
        let one = Shared {
            jobs: &jobs,
            lanes: &lanes,
            dependents: &dependents,
            targets: 300,
            streams: &streams,
            base: seeded.next_u64(),
        }
        .run(0..5_000);
        assert_eq!(parallel.days, one.days, "the same days, trial by trial");
        assert_eq!(parallel.critical, one.critical);
        assert_eq!(parallel.lane_days, one.lane_days);
    }
}

//! What a flow question covers: a date range, a slice of the work, a cycle rule, a time zone.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};
use crate::graph::index::{WorkIndex, NONE};
use crate::graph::model::{ItemKind, Provenance};
use crate::time::DAY_MS;

use super::timeline::CycleRule;

/// The filters of the Flow and Bottlenecks pages (and `baton flow`). Empty lists mean "all".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowFilter {
    /// First day of the range (`YYYY-MM-DD`, in the filter's time zone). Default: 89 days
    /// before `to` (a 90-day range).
    pub from: Option<String>,
    /// Last day of the range, included. Default: the day of the latest change in the workspace.
    pub to: Option<String>,
    /// "The last N days up to today": when set, `from` and `to` are ignored and the range rolls
    /// forward with the calendar.
    pub last_days: Option<u32>,
    /// Team ids ("" selects items without a team).
    pub teams: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
    pub kinds: Vec<ItemKind>,
    pub provenances: Vec<Provenance>,
    /// Intent ids: items linked to the intent or to one of its descendants.
    pub intents: Vec<String>,
    pub rule: CycleRule,
    /// Minutes east of UTC in which calendar days are counted (UTC+2 is 120). Default 0.
    pub utc_offset_minutes: i32,
    /// An IANA time zone (`Europe/Berlin`) to count days in instead: its offset at the end of
    /// the range is used for the whole range (see `docs/metrics.md`, "Days"). None: the offset
    /// (and left out of what is sent, so filters saved by older versions read the same).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// Minutes east of UTC of `zone` at instant `at` (ms), or an error naming an unknown zone.
pub fn zone_offset_minutes(zone: &str, at: i64) -> CoreResult<i32> {
    use chrono::{Offset, TimeZone};
    let tz: chrono_tz::Tz = zone.trim().parse().map_err(|_| {
        CoreError::Invalid(format!(
            "\"{zone}\" is not a time zone Baton knows (an IANA name such as Europe/Berlin)"
        ))
    })?;
    let utc = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at).unwrap_or_default();
    Ok(tz
        .offset_from_utc_datetime(&utc.naive_utc())
        .fix()
        .local_minus_utc()
        / 60)
}

/// A filter resolved against one index: positions instead of ids, milliseconds instead of days.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Start of the first day (UTC ms).
    pub from: i64,
    /// Number of days in the range (the last may be cut short by `as_of`).
    pub days: usize,
    /// The instant everything is measured at: the end of the last day, or one millisecond after
    /// now if that is earlier. It is excluded, like every day's end: a change at exactly `as_of`
    /// is not seen, and a change at exactly now is.
    pub as_of: i64,
    pub offset_ms: i64,
    pub rule: CycleRule,
    /// Keep items of these teams (positions; [`NONE`] for no team); None = all.
    teams: Option<Vec<u32>>,
    sources: Option<Vec<u32>>,
    kinds: Vec<ItemKind>,
    provenances: Vec<Provenance>,
    /// Intent positions that count (the chosen ones and their descendants); None = all.
    intents: Option<Vec<bool>>,
    /// The question records items waited on (none unless the workspace's are read in, see
    /// `flow::prepare`).
    pub questions: std::sync::Arc<super::timeline::QuestionWaits>,
    /// No filter on the work: [`Scope::keeps`] keeps every item without looking at it.
    everything: bool,
}

/// Whether a link made at `created` and removed at `removed` (if ever) stands just before
/// `as_of`: the same half-open rule as every other "as of" question (`created < as_of <= removed`).
pub fn link_stands_at(created: i64, removed: Option<i64>, as_of: i64) -> bool {
    created < as_of && removed.is_none_or(|r| r >= as_of)
}

/// The most days a range may span (ten years).
pub const MAX_DAYS: i64 = 3_660;

fn parse_day(text: &str, what: &str) -> CoreResult<i64> {
    let date = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        CoreError::Invalid(format!(
            "{what} must be a date like 2026-03-01, not \"{text}\""
        ))
    })?;
    Ok(date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0))
}

impl Scope {
    /// Resolves `filter` against `ix`, measuring at `now` (ms) at the latest.
    pub fn resolve(ix: &WorkIndex, filter: &FlowFilter, now: i64) -> CoreResult<Scope> {
        Scope::resolve_after(ix, filter, now, ix.items.iter().map(|i| i.updated).max())
    }

    /// [`Scope::resolve`] given the latest `updated` of the index's items (None when it holds
    /// none), which a caller may keep per index generation instead of reading every item.
    pub fn resolve_after(
        ix: &WorkIndex,
        filter: &FlowFilter,
        now: i64,
        latest_updated: Option<i64>,
    ) -> CoreResult<Scope> {
        if filter.utc_offset_minutes.abs() > 14 * 60 {
            return Err(CoreError::Invalid(
                "the UTC offset must be within ±14 hours".into(),
            ));
        }
        let latest = latest_updated.unwrap_or(now).min(now);
        // A named zone: its offset at the end of the range (the chosen last day, today for a
        // rolling range, or the day of the latest change).
        let offset_minutes = match filter.time_zone.as_deref().filter(|z| !z.trim().is_empty()) {
            Some(zone) => {
                let end = match (&filter.last_days, &filter.to) {
                    (Some(_), _) => now,
                    (None, Some(day)) => parse_day(day, "the end of the range")? + DAY_MS - 1,
                    (None, None) => latest,
                };
                zone_offset_minutes(zone, end)?
            }
            None => filter.utc_offset_minutes,
        };
        let offset_ms = i64::from(offset_minutes) * 60_000;
        // Local midnight of a UTC instant's local day.
        let local_day_start = |t: i64| (t + offset_ms).div_euclid(DAY_MS) * DAY_MS - offset_ms;
        let (to_start, from) = match filter.last_days {
            Some(n) => {
                let n = i64::from(n.max(1));
                let today = local_day_start(now);
                (today, today - (n - 1) * DAY_MS)
            }
            None => {
                let to_start = match &filter.to {
                    Some(day) => parse_day(day, "the end of the range")? - offset_ms,
                    None => local_day_start(latest),
                };
                let from = match &filter.from {
                    Some(day) => parse_day(day, "the start of the range")? - offset_ms,
                    None => to_start - 89 * DAY_MS,
                };
                (to_start, from)
            }
        };
        if from > to_start {
            return Err(CoreError::Invalid("the range starts after it ends".into()));
        }
        let days = (to_start - from) / DAY_MS + 1;
        if days > MAX_DAYS {
            return Err(CoreError::Invalid(format!(
                "a range spans at most {MAX_DAYS} days"
            )));
        }
        // Cut short by now, the range still holds everything recorded up to now, now included:
        // its exclusive end is the next millisecond.
        let as_of = (to_start + DAY_MS).min(now.saturating_add(1));

        let positions =
            |wanted: &[String], ids: &mut dyn Iterator<Item = &str>| -> Option<Vec<u32>> {
                if wanted.is_empty() {
                    return None;
                }
                let ids: Vec<&str> = ids.collect();
                Some(
                    wanted
                        .iter()
                        .filter_map(|w| {
                            if w.is_empty() {
                                Some(NONE)
                            } else {
                                ids.iter().position(|id| id == w).map(|p| p as u32)
                            }
                        })
                        .collect(),
                )
            };
        let teams = positions(&filter.teams, &mut ix.teams.iter().map(|t| t.id.as_str()));
        let sources = positions(
            &filter.sources,
            &mut ix.sources.iter().map(|s| s.id.as_str()),
        );
        let intents = positions(
            &filter.intents,
            &mut ix.intents.iter().map(|n| n.id.as_str()),
        )
        .map(|chosen| ix.intents_under(&chosen));
        let everything = teams.is_none()
            && sources.is_none()
            && intents.is_none()
            && filter.kinds.is_empty()
            && filter.provenances.is_empty();
        Ok(Scope {
            everything,
            from,
            days: days as usize,
            as_of,
            offset_ms,
            rule: filter.rule,
            teams,
            sources,
            kinds: filter.kinds.clone(),
            provenances: filter.provenances.clone(),
            intents,
            questions: std::sync::Arc::default(),
        })
    }

    /// Whether item `i` is in the slice (with no filter on the work, without a call: the pass
    /// asks it of every item).
    #[inline]
    pub fn keeps(&self, ix: &WorkIndex, i: usize) -> bool {
        self.everything || self.keeps_item(ix, i)
    }

    /// [`Scope::keeps`] when there is a filter on the work: item `i`'s fields against it.
    fn keeps_item(&self, ix: &WorkIndex, i: usize) -> bool {
        let item = &ix.items[i];
        self.teams.as_ref().is_none_or(|t| t.contains(&item.team))
            && self
                .sources
                .as_ref()
                .is_none_or(|s| s.contains(&item.source))
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
            && (self.provenances.is_empty() || self.provenances.contains(&item.provenance))
            && self
                .intents
                .as_ref()
                .is_none_or(|ok| ok.get(item.intent as usize).copied().unwrap_or(false))
    }

    /// The day (0-based) instant `t` falls in; may be outside `0..days`. Days are half-open,
    /// `[00:00, next 00:00)` in the filter's offset: a change at exactly midnight belongs to the
    /// day that midnight starts. Every conversion from an instant to a day goes through here.
    pub fn day_of(&self, t: i64) -> i64 {
        (t - self.from).div_euclid(DAY_MS)
    }

    /// Whether instant `t` is inside the range: `[from, as_of)`. The range end is excluded,
    /// like every day's end: a finish at exactly the midnight that ends the range belongs to the
    /// next day, outside the range.
    pub fn in_range(&self, t: i64) -> bool {
        self.from <= t && t < self.as_of
    }

    /// Whether a change at instant `t` has happened by the end of the range (`t < as_of`).
    /// Everything "as of the range end" sees exactly these changes.
    pub fn sees(&self, t: i64) -> bool {
        t < self.as_of
    }

    /// The instant "the end of day `d`" is read at: the last millisecond of the day (or of the
    /// range, when `as_of` cuts the last day short). A state entered at the next midnight is
    /// not yet in force there, so the snapshot of a day agrees with [`Scope::day_of`].
    pub fn end_of_day(&self, d: i64) -> i64 {
        (self.from + (d + 1) * DAY_MS).min(self.as_of) - 1
    }

    /// The position of a calendar date (`YYYY-MM-DD`) in the range, if it is one of its days.
    pub fn day_index(&self, day: &str) -> Option<i64> {
        let start = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
            .and_utc()
            .timestamp_millis()
            - self.offset_ms;
        let d = self.day_of(start);
        (start == self.from + d * DAY_MS && (0..self.days as i64).contains(&d)).then_some(d)
    }

    /// Whether a link made at `created` and removed at `removed` (if ever) stands at the end of
    /// the range: made before it ends and not removed by then.
    pub fn link_stands(&self, created: i64, removed: Option<i64>) -> bool {
        link_stands_at(created, removed, self.as_of)
    }

    /// The calendar date (`YYYY-MM-DD`) of day `d`.
    pub fn date(&self, d: usize) -> String {
        let local = self.from + self.offset_ms + d as i64 * DAY_MS;
        chrono::DateTime::<chrono::Utc>::from_timestamp_millis(local)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
}

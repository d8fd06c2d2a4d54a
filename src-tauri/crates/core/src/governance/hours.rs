//! Working hours and holidays of a team, in the team's time zone: when a time-based policy's
//! clock runs. Definition: `docs/metrics.md` ("Working hours").

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{CoreError, CoreResult};

/// How far ahead a deadline is looked for (a calendar with a working day at most every few
/// years is a mistake, not a calendar).
const MAX_DAYS_AHEAD: i64 = 3_660;

/// A team's working week, hours and holidays, in its time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    /// IANA time zone ("Europe/Berlin", "America/New_York", "UTC").
    pub zone: String,
    /// Working days: "mon" … "sun".
    pub days: Vec<String>,
    /// Start and end of the working day, local time ("09:00", "17:00").
    pub start: String,
    pub end: String,
    /// Days off, local dates ("2026-12-25").
    pub holidays: Vec<String>,
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar {
            zone: "UTC".into(),
            days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            start: "09:00".into(),
            end: "17:00".into(),
            holidays: Vec::new(),
        }
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A [`Calendar`] checked and ready to count with.
#[derive(Debug, Clone)]
pub struct WorkingTime {
    zone: Tz,
    /// By weekday from Monday.
    days: [bool; 7],
    start: NaiveTime,
    end: NaiveTime,
    holidays: Vec<NaiveDate>,
}

impl Calendar {
    /// Checks the calendar; the error names what is wrong (`whose` says whose calendar it is).
    pub fn compile(&self, whose: &str) -> CoreResult<WorkingTime> {
        let bad = |what: String| CoreError::Invalid(format!("The calendar of {whose}: {what}"));
        let zone: Tz = self
            .zone
            .parse()
            .map_err(|_| bad(format!("\"{}\" is not an IANA time zone", self.zone)))?;
        let mut days = [false; 7];
        for d in &self.days {
            let at = DAY_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(d))
                .ok_or_else(|| bad(format!("\"{d}\" is not a day (mon … sun)")))?;
            days[at] = true;
        }
        let time = |t: &str| {
            NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| bad(format!("\"{t}\" is not a time of day (HH:MM)")))
        };
        let (start, end) = (time(&self.start)?, time(&self.end)?);
        if end <= start {
            return Err(bad(format!(
                "the working day ends ({}) before it starts ({})",
                self.end, self.start
            )));
        }
        let mut holidays = self
            .holidays
            .iter()
            .map(|h| {
                NaiveDate::parse_from_str(h, "%Y-%m-%d")
                    .map_err(|_| bad(format!("\"{h}\" is not a date (YYYY-MM-DD)")))
            })
            .collect::<CoreResult<Vec<_>>>()?;
        holidays.sort_unstable();
        Ok(WorkingTime {
            zone,
            days,
            start,
            end,
            holidays,
        })
    }
}

impl WorkingTime {
    /// The instant (ms, UTC) of a local date and time: in a daylight-saving gap, the first
    /// instant after it; in an overlap, the earlier one.
    fn instant(&self, at: NaiveDateTime) -> i64 {
        let mut local = at;
        for _ in 0..4 {
            match self.zone.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.timestamp_millis(),
                LocalResult::Ambiguous(a, _) => return a.timestamp_millis(),
                // Inside a gap: move on until the clocks exist again (gaps are at most 1-2 h).
                LocalResult::None => local += Duration::minutes(30),
            }
        }
        at.and_utc().timestamp_millis()
    }

    fn works_on(&self, day: NaiveDate) -> bool {
        self.days[day.weekday().num_days_from_monday() as usize]
            && self.holidays.binary_search(&day).is_err()
    }

    /// The working window of a local day, as instants `[start, end)`.
    fn window(&self, day: NaiveDate) -> (i64, i64) {
        (
            self.instant(day.and_time(self.start)),
            self.instant(day.and_time(self.end)),
        )
    }

    /// The local date of an instant.
    fn local_date(&self, at: i64) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(at)
            .map(|t| t.with_timezone(&self.zone).date_naive())
            .unwrap_or_default()
    }

    /// The instant at which `amount` ms of working time have passed since `from`: the deadline
    /// of a clock started at `from`. `i64::MAX` when the calendar has no working time.
    pub fn add(&self, from: i64, amount: i64) -> i64 {
        let mut left = amount.max(0);
        let mut day = self.local_date(from);
        for _ in 0..MAX_DAYS_AHEAD {
            if self.works_on(day) {
                let (start, end) = self.window(day);
                let start = start.max(from);
                if end > start {
                    if left <= end - start {
                        return start + left;
                    }
                    left -= end - start;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        i64::MAX
    }

    /// Working time (ms) between two instants.
    pub fn between(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = self.local_date(from);
        let last = self.local_date(to);
        while day <= last {
            if self.works_on(day) {
                let (start, end) = self.window(day);
                let overlap = end.min(to) - start.max(from);
                if overlap > 0 {
                    total += overlap;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn ms(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_millis()
    }

    fn calendar(zone: &str) -> WorkingTime {
        Calendar {
            zone: zone.into(),
            ..Calendar::default()
        }
        .compile("the test team")
        .unwrap()
    }

    #[test]
    fn a_deadline_skips_nights_and_weekends() {
        let utc = calendar("UTC");
        // Friday 2026-03-06 15:00 UTC + 8 working hours: 2 h on Friday, 6 h on Monday.
        assert_eq!(
            utc.add(ms("2026-03-06T15:00:00Z"), 8 * H),
            ms("2026-03-09T15:00:00Z"),
            "Friday's last two hours, then Monday from 09:00"
        );
        // Saturday night counts from Monday's start.
        assert_eq!(
            utc.add(ms("2026-03-07T23:00:00Z"), H),
            ms("2026-03-09T10:00:00Z")
        );
        assert_eq!(
            utc.between(ms("2026-03-06T15:00:00Z"), ms("2026-03-09T15:00:00Z")),
            8 * H
        );
    }

    #[test]
    fn the_same_instant_has_different_deadlines_in_different_time_zones() {
        let start = ms("2026-03-04T14:00:00Z"); // a Wednesday
                                                // Berlin (UTC+1 in March before the change): 15:00 local, 2 h left today, 2 h tomorrow.
        assert_eq!(
            calendar("Europe/Berlin").add(start, 4 * H),
            ms("2026-03-05T10:00:00Z"),
            "Thursday 11:00 in Berlin"
        );
        // New York (UTC-5): 09:00 local, the 4 hours fit that morning.
        assert_eq!(
            calendar("America/New_York").add(start, 4 * H),
            ms("2026-03-04T18:00:00Z"),
            "Wednesday 13:00 in New York"
        );
        // Tokyo (UTC+9): 23:00 local, the clock starts on Thursday at 09:00.
        assert_eq!(
            calendar("Asia/Tokyo").add(start, 4 * H),
            ms("2026-03-05T04:00:00Z"),
            "Thursday 13:00 in Tokyo"
        );
    }

    #[test]
    fn a_daylight_saving_change_moves_the_working_day_in_utc() {
        let berlin = calendar("Europe/Berlin");
        // Clocks go forward on Sunday 2026-03-29. Friday 27th 16:00 local (15:00 UTC) + 2 h:
        // 1 h on Friday, then Monday 09:00 local, which is now 07:00 UTC (not 08:00).
        assert_eq!(
            berlin.add(ms("2026-03-27T15:00:00Z"), 2 * H),
            ms("2026-03-30T08:00:00Z"),
            "Monday 10:00 summer time"
        );
        // Across the change the working day still holds 8 working hours.
        assert_eq!(
            berlin.between(ms("2026-03-27T00:00:00Z"), ms("2026-03-31T00:00:00Z")),
            16 * H,
            "Friday and Monday, 8 hours each"
        );
        // New York changes two weeks earlier (2026-03-08): the same UTC instants fall an hour
        // apart in local time there.
        let ny = calendar("America/New_York");
        assert_eq!(
            ny.add(ms("2026-03-06T21:00:00Z"), 2 * H),
            ms("2026-03-09T14:00:00Z"),
            "Friday 16:00 EST + 1 h, then Monday 09:00 EDT (13:00 UTC) + 1 h"
        );
    }

    #[test]
    fn holidays_are_skipped_and_bad_calendars_are_named() {
        let cal = Calendar {
            holidays: vec!["2026-03-09".into()],
            ..Calendar::default()
        }
        .compile("Payments")
        .unwrap();
        assert_eq!(
            cal.add(ms("2026-03-06T17:00:00Z"), H),
            ms("2026-03-10T10:00:00Z"),
            "Monday is a holiday"
        );
        let err = Calendar {
            zone: "Mars/Olympus".into(),
            ..Calendar::default()
        }
        .compile("Payments")
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("Payments") && err.contains("Mars/Olympus"),
            "{err}"
        );
        let none = Calendar {
            days: vec![],
            ..Calendar::default()
        }
        .compile("Nobody")
        .unwrap();
        assert_eq!(none.add(0, H), i64::MAX, "no working time, never due");
    }
}

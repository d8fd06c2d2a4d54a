//! Time in the work graph: stored as milliseconds since the Unix epoch (UTC), shown as RFC 3339.

use chrono::{DateTime, SecondsFormat, Utc};

/// Milliseconds since the epoch as an RFC 3339 UTC string (`2026-03-01T09:30:00Z`).
pub fn to_rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an RFC 3339 string (any offset) to milliseconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_normalises_offsets() {
        assert_eq!(to_rfc3339(0), "1970-01-01T00:00:00Z");
        let ms = parse_rfc3339("2026-03-01T10:30:00+01:00");
        assert_eq!(
            ms.map(to_rfc3339).as_deref(),
            Some("2026-03-01T09:30:00Z"),
            "offsets become UTC"
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}

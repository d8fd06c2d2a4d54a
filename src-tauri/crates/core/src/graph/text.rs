//! Text read from a workspace that may not be valid UTF-8.
//!
//! Sources write text through Rust strings, which are UTF-8 by construction; but a file written
//! by another tool, or damaged, can hold a TEXT value with bytes that are not. One such value
//! must not make the whole workspace unreadable, so readers decode text leniently — the bad
//! bytes become U+FFFD (�) — and say which row they repaired.
//!
//! JSON from a server can name a character Rust strings cannot hold: a `\uD800`-style escape
//! of one half of a UTF-16 surrogate pair. [`repair_lone_surrogates`] turns each into `\uFFFD`
//! before a page is parsed, so one such record neither fails its page nor is skipped.

use serde::Serialize;
use specta::Type;
use sqlx::sqlite::{Sqlite, SqliteTypeInfo, SqliteValueRef};

/// A TEXT value decoded leniently (use it as a `query!` column override: `"title: LossyText"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LossyText {
    pub text: String,
    /// Some bytes were not UTF-8 and were replaced.
    pub repaired: bool,
}

impl LossyText {
    /// Decodes bytes, replacing what is not UTF-8.
    pub fn from_bytes(bytes: &[u8]) -> LossyText {
        match std::str::from_utf8(bytes) {
            Ok(text) => LossyText {
                text: text.to_owned(),
                repaired: false,
            },
            Err(_) => LossyText {
                text: String::from_utf8_lossy(bytes).into_owned(),
                repaired: true,
            },
        }
    }

    /// The text; notes in `repairs` (and the log) that `column` of `table`'s row `row` was
    /// repaired, when it was.
    pub fn noted(
        self,
        repairs: &mut Vec<RepairedText>,
        table: &'static str,
        row: &str,
        column: &'static str,
    ) -> String {
        if self.repaired {
            note(repairs, table, row, column);
        }
        self.text
    }
}

impl sqlx::Type<Sqlite> for LossyText {
    fn type_info() -> SqliteTypeInfo {
        <str as sqlx::Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <[u8] as sqlx::Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Sqlite> for LossyText {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let bytes = <&[u8] as sqlx::Decode<Sqlite>>::decode(value)?;
        Ok(LossyText::from_bytes(bytes))
    }
}

/// A value whose text was not valid UTF-8 and is shown with replacement characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RepairedText {
    /// The table (`items`, `teams`, ...).
    pub table: String,
    /// The row: its id (itself repaired when it was the bad value).
    pub row: String,
    /// The column whose text was repaired.
    pub column: String,
}

/// Records a repaired value and logs it (once per value; the log stops repeating after a few).
pub fn note(repairs: &mut Vec<RepairedText>, table: &'static str, row: &str, column: &'static str) {
    const LOGGED: usize = 20;
    if repairs.len() < LOGGED {
        tracing::warn!(
            table,
            row,
            column,
            "text that is not valid UTF-8 was read with replacement characters"
        );
    } else if repairs.len() == LOGGED {
        tracing::warn!("more rows with text that is not valid UTF-8; not logging each");
    }
    repairs.push(RepairedText {
        table: table.to_owned(),
        row: row.to_owned(),
        column: column.to_owned(),
    });
}

/// JSON text with every `\uXXXX` escape of a lone UTF-16 surrogate (one that is not half of
/// a high-low pair) replaced by `\uFFFD`, and how many were replaced. Borrows when there were
/// none. Escapes are only read inside strings; the rest of the text is left as it is, and
/// invalid JSON stays invalid for the parser to report.
pub fn repair_lone_surrogates(json: &[u8]) -> (std::borrow::Cow<'_, [u8]>, usize) {
    fn unit(json: &[u8], at: usize) -> Option<u16> {
        let hex = json.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    }
    // Every surrogate escape starts `\ud` or `\uD`: a body without either (nearly all) is
    // answered by two substring searches, which run many times faster than the walk below.
    if let Ok(text) = std::str::from_utf8(json) {
        if !text.contains("\\ud") && !text.contains("\\uD") {
            return (std::borrow::Cow::Borrowed(json), 0);
        }
    }
    let high = |u: u16| (0xD800..=0xDBFF).contains(&u);
    let low = |u: u16| (0xDC00..=0xDFFF).contains(&u);
    let mut out: Option<Vec<u8>> = None;
    let (mut copied, mut replaced, mut at, mut in_string) = (0, 0, 0, false);
    while at < json.len() {
        match (in_string, json[at]) {
            (false, b'"') => {
                in_string = true;
                at += 1;
            }
            (true, b'"') => {
                in_string = false;
                at += 1;
            }
            (true, b'\\') if json.get(at + 1) == Some(&b'u') => {
                let Some(u) = unit(json, at + 2) else {
                    at += 2;
                    continue;
                };
                let paired = high(u)
                    && json.get(at + 6..at + 8) == Some(b"\\u")
                    && unit(json, at + 8).is_some_and(low);
                if paired {
                    at += 12;
                    continue;
                }
                if high(u) || low(u) {
                    let buf = out.get_or_insert_with(|| Vec::with_capacity(json.len()));
                    buf.extend_from_slice(&json[copied..at]);
                    buf.extend_from_slice(b"\\uFFFD");
                    copied = at + 6;
                    replaced += 1;
                }
                at += 6;
            }
            (true, b'\\') => at += 2,
            _ => at += 1,
        }
    }
    match out {
        Some(mut buf) => {
            buf.extend_from_slice(&json[copied..]);
            (std::borrow::Cow::Owned(buf), replaced)
        }
        None => (std::borrow::Cow::Borrowed(json), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogate_escapes_become_replacement_characters() {
        let body = br#"[{"title":"a \ud800 b"},{"title":"pair \ud83d\ude00 ok"},{"t":"\udc00\ud800"},{"k":"\\ud800 is text"}]"#;
        let (fixed, replaced) = repair_lone_surrogates(body);
        assert_eq!(
            replaced, 3,
            "a lone high, a lone low and a high at the end of a string"
        );
        let value: serde_json::Value = serde_json::from_slice(&fixed).expect("parses now");
        assert_eq!(value[0]["title"], "a \u{fffd} b");
        assert_eq!(
            value[1]["title"], "pair \u{1f600} ok",
            "a real pair is kept"
        );
        assert_eq!(value[2]["t"], "\u{fffd}\u{fffd}");
        assert_eq!(
            value[3]["k"], "\\ud800 is text",
            "an escaped backslash followed by u is not an escape"
        );
        assert!(
            serde_json::from_slice::<serde_json::Value>(body).is_err(),
            "serde_json refuses the original"
        );
        let clean = br#"{"a":"\u00e9"}"#;
        assert!(matches!(
            repair_lone_surrogates(clean),
            (std::borrow::Cow::Borrowed(_), 0)
        ));
    }

    #[test]
    fn bad_bytes_become_replacement_characters_and_are_noted() {
        let good = LossyText::from_bytes("Café".as_bytes());
        assert_eq!(good.text, "Café");
        assert!(!good.repaired);
        let bad = LossyText::from_bytes(b"Caf\xe9 \xff!");
        assert_eq!(bad.text, "Caf\u{fffd} \u{fffd}!");
        assert!(bad.repaired);
        let mut repairs = Vec::new();
        assert_eq!(
            bad.noted(&mut repairs, "items", "jira:PAY-1", "title"),
            "Caf\u{fffd} \u{fffd}!"
        );
        assert_eq!(
            repairs,
            vec![RepairedText {
                table: "items".into(),
                row: "jira:PAY-1".into(),
                column: "title".into()
            }],
            "the note names table, row and column"
        );
    }
}

//! Rules applied while mapping: which team an item belongs to, who (or what) made it.
//!
//! Both are rows (`team_rules`, `provenance_rules`), loaded once per sync run, so the lead can
//! edit them in the app and a new AI agent is one row away.

use crate::graph::model::Provenance;
use crate::graph::repo::{self, provenance_rules::ProvenanceRule, team_rules::TeamRule};
use crate::graph::Workspace;
use crate::ingest::error::SyncError;

/// Case-insensitive match where `*` stands for any run of characters.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    // An ASCII pattern (nearly every rule) is matched on the bytes without lowering copies of
    // both: a byte of a non-ASCII character never equals an ASCII one, so the answer is the
    // same, unless the text holds one of the two characters whose lower case is ASCII.
    if pattern.is_ascii() && !text.contains(['\u{212A}', '\u{0130}']) {
        return ascii_glob(pattern.as_bytes(), text.as_bytes());
    }
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    wildcard(&pattern, &text, |a, b| a == b)
}

/// An ASCII `pattern` against `text`'s bytes, ignoring ASCII case: the part before the first
/// `*` must start the text, the part after the last must end it, and the parts between are
/// found in order, each at its first place (with `*` the only wildcard, the first place is never
/// worse). Each part is searched for with `memchr` on its first byte instead of trying the
/// pattern at every byte (a body marker against a long pull request body).
fn ascii_glob(pattern: &[u8], text: &[u8]) -> bool {
    let mut parts = pattern.split(|&b| b == b'*');
    let first = parts.next().unwrap_or_default();
    let Some(last_star) = pattern.iter().rposition(|&b| b == b'*') else {
        return pattern.eq_ignore_ascii_case(text);
    };
    let last = &pattern[last_star + 1..];
    if text.len() < first.len() + last.len()
        || !text[..first.len()].eq_ignore_ascii_case(first)
        || !text[text.len() - last.len()..].eq_ignore_ascii_case(last)
    {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    let middle = &pattern[first.len()..last_star];
    for part in middle.split(|&b| b == b'*').filter(|p| !p.is_empty()) {
        match find_ignoring_case(rest, part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Where `needle` (not empty) first occurs in `hay`, ignoring ASCII case.
fn find_ignoring_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let last = hay.len().checked_sub(needle.len())?;
    let (lower, upper) = (
        needle[0].to_ascii_lowercase(),
        needle[0].to_ascii_uppercase(),
    );
    let mut from = 0;
    while from <= last {
        let at = from + memchr::memchr2(lower, upper, &hay[from..=last])?;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `pattern` (where `*` stands for any run) against `text`, elements compared by `same`.
fn wildcard<T: Copy + PartialEq + From<u8>>(
    pattern: &[T],
    text: &[T],
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    let star_sign = T::from(b'*');
    let (mut p, mut t) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while t < text.len() {
        if p < pattern.len() && pattern[p] != star_sign && same(&pattern[p], &text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == star_sign {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == star_sign {
        p += 1;
    }
    p == pattern.len()
}

/// The `Co-authored-by:` trailers of a text, as "Name <email>".
pub fn co_authors(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("co-authored-by")
                .then(|| value.trim().to_owned())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

/// What a provenance decision rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProvenanceFacts<'a> {
    /// The author's login (GitHub) or display name (Jira).
    pub author: Option<&'a str>,
    /// The source marks the author as a bot or app account.
    pub author_is_bot: bool,
    /// The description (and any commit messages the connector has), searched for
    /// `Co-authored-by:` trailers and for the markers agents write (`body_marker` rules).
    pub body: Option<&'a str>,
    pub labels: &'a [String],
}

/// A provenance decision.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenanceVerdict {
    pub provenance: Provenance,
    pub agent: Option<String>,
    pub confidence: f64,
}

/// The rules of one run.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub team: Vec<TeamRule>,
    pub provenance: Vec<ProvenanceRule>,
}

impl Rules {
    /// Loads every rule that applies to `source_id`.
    pub async fn load(ws: &Workspace, source_id: &str) -> Result<Rules, SyncError> {
        let team = repo::team_rules::list(ws.pool())
            .await?
            .into_iter()
            .filter(|r| r.source_id.as_deref().is_none_or(|s| s == source_id))
            .collect();
        let provenance = repo::provenance_rules::list(ws.pool()).await?;
        Ok(Rules { team, provenance })
    }

    /// The team of an item, from (field, value) facts such as ("repo", "acme/pay"),
    /// ("label", "payments"): the first rule (by priority) that matches any fact.
    pub fn team_for(&self, facts: &[(&str, &str)]) -> Option<String> {
        self.team
            .iter()
            .find(|rule| {
                facts
                    .iter()
                    .any(|(field, value)| *field == rule.field && glob_match(&rule.pattern, value))
            })
            .map(|rule| rule.team_id.clone())
    }

    /// Who made an item: the matching rule with the highest confidence; human when none
    /// matches (a bot account no rule names counts as automation, 0.5).
    pub fn provenance(&self, facts: &ProvenanceFacts<'_>) -> ProvenanceVerdict {
        let trailers = facts.body.map(co_authors).unwrap_or_default();
        let mut best: Option<&ProvenanceRule> = None;
        for rule in &self.provenance {
            let hit = match rule.signal.as_str() {
                "bot_login" => facts.author.is_some_and(|a| glob_match(&rule.pattern, a)),
                "co_author" => trailers.iter().any(|t| glob_match(&rule.pattern, t)),
                "label" => facts.labels.iter().any(|l| glob_match(&rule.pattern, l)),
                "body_marker" => facts.body.is_some_and(|b| glob_match(&rule.pattern, b)),
                _ => false,
            };
            if hit && best.is_none_or(|b| rule.confidence > b.confidence) {
                best = Some(rule);
            }
        }
        match best {
            Some(rule) => ProvenanceVerdict {
                provenance: rule.provenance,
                agent: rule.agent.clone(),
                confidence: rule.confidence,
            },
            None if facts.author_is_bot => ProvenanceVerdict {
                provenance: Provenance::Automation,
                agent: facts.author.map(str::to_owned),
                confidence: 0.5,
            },
            None => ProvenanceVerdict {
                provenance: Provenance::Human,
                agent: None,
                confidence: 1.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        signal: &str,
        pattern: &str,
        provenance: Provenance,
        agent: &str,
        confidence: f64,
    ) -> ProvenanceRule {
        ProvenanceRule {
            id: pattern.into(),
            signal: signal.into(),
            pattern: pattern.into(),
            provenance,
            agent: Some(agent.into()),
            confidence,
            builtin: true,
        }
    }

    #[test]
    fn globs_are_case_insensitive_with_stars_anywhere() {
        assert!(glob_match("copilot*[bot]", "Copilot-SWE-Agent[bot]"));
        assert!(glob_match("*[bot]", "dependabot[bot]"));
        assert!(glob_match("acme/pay*", "acme/payments"));
        assert!(!glob_match("acme/pay*", "acme/platform"));
        assert!(glob_match("*claude*", "Claude <noreply@anthropic.com>"));
        assert!(
            !glob_match("ai-generated", "not-ai-generated"),
            "no implicit wildcards"
        );
    }

    #[test]
    fn the_ascii_path_answers_as_matching_at_every_byte_does() {
        // Patterns and texts over a small alphabet (so stars, repeats and near misses are
        // frequent), against the general matcher on the same bytes.
        let mut rng = crate::demo::rng::Rng::new(7);
        let alphabet = b"aAbB*-";
        let text_alphabet = b"aAbB-*";
        for _ in 0..20_000 {
            let pattern: Vec<u8> = (0..rng.below(7))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let text: Vec<u8> = (0..rng.below(10))
                .map(|_| text_alphabet[rng.below(text_alphabet.len())])
                .collect();
            let expected = wildcard(&pattern, &text, |a, b| a.eq_ignore_ascii_case(b));
            assert_eq!(
                ascii_glob(&pattern, &text),
                expected,
                "{} against {}",
                String::from_utf8_lossy(&pattern),
                String::from_utf8_lossy(&text)
            );
        }
        assert!(glob_match(
            "*generated with*",
            "Body\n\n🤖 Generated with [Claude Code]"
        ));
        assert!(!glob_match("*generated with*", "generated wit"));
        assert!(
            !glob_match("a*a", "a"),
            "the first and last parts cannot share the text's one byte"
        );
    }

    #[test]
    fn ascii_patterns_match_non_ascii_texts_as_their_lower_case_does() {
        // The byte path (ASCII pattern) and the lowering path agree.
        for (pattern, text) in [
            ("*claude*", "Généré par CLAUDE 🤖"),
            ("*généré*", "GÉNÉRÉ par Claude"),
            ("🤖*", "🤖 Generated"),
            ("*k*", "1 \u{212A}elvin"),
            ("*i*", "\u{0130}stanbul"),
            ("a*é", "a…É"),
            ("*x*", "ÄÖÜ"),
        ] {
            let lowered: Vec<char> = pattern.to_lowercase().chars().collect();
            let text_lowered: Vec<char> = text.to_lowercase().chars().collect();
            assert_eq!(
                glob_match(pattern, text),
                wildcard(&lowered, &text_lowered, |a, b| a == b),
                "{pattern} on {text}"
            );
        }
        assert!(glob_match("*claude*", "Généré par CLAUDE 🤖"));
        assert!(
            glob_match("*k*", "1 \u{212A}elvin"),
            "the Kelvin sign lowers to k"
        );
        assert!(!glob_match("*x*", "ÄÖÜ"));
    }

    #[test]
    fn the_most_confident_signal_wins() {
        let rules = Rules {
            team: vec![],
            provenance: vec![
                rule("bot_login", "*[bot]", Provenance::Automation, "bot", 0.6),
                rule(
                    "bot_login",
                    "claude*[bot]",
                    Provenance::AiAgent,
                    "Claude",
                    0.95,
                ),
                rule(
                    "co_author",
                    "*copilot*",
                    Provenance::AiAgent,
                    "Copilot",
                    0.8,
                ),
                rule("label", "ai-generated", Provenance::AiAgent, "any", 0.7),
            ],
        };
        let labels = vec!["bug".to_owned()];
        let verdict = rules.provenance(&ProvenanceFacts {
            author: Some("claude[bot]"),
            author_is_bot: true,
            body: None,
            labels: &labels,
        });
        assert_eq!(
            verdict.agent.as_deref(),
            Some("Claude"),
            "the specific bot rule beats the generic one"
        );
        let verdict = rules.provenance(&ProvenanceFacts {
            author: Some("ann"),
            author_is_bot: false,
            body: Some(
                "Fix\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
            ),
            labels: &labels,
        });
        assert_eq!(
            verdict.provenance,
            Provenance::AiAgent,
            "a co-author trailer marks agent work"
        );
        assert!((verdict.confidence - 0.8).abs() < 1e-9);
        let verdict = rules.provenance(&ProvenanceFacts {
            author: Some("ann"),
            author_is_bot: false,
            body: Some("plain"),
            labels: &labels,
        });
        assert_eq!(verdict.provenance, Provenance::Human);
    }
}

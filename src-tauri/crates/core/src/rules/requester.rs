//! Who asked an AI agent for a piece of work, as the work's own record says, read while mapping.
//!
//! Agents write it into what they produce: Devin ends a pull request's description with
//! "Requested by: Jane Doe (@jdoe)", other agents with "Triggered by @jdoe" or "on behalf of
//! @jdoe"; Copilot's coding agent adds the person who asked as a `Co-authored-by:` trailer of its
//! commits. Signals that live in other records — the assignment that handed an issue to an agent,
//! a person who opened the pull request themselves with an agent's help — are derived when the
//! index is read (`crate::provenance`), since they need other rows.

use crate::graph::model::Provenance;
pub use crate::graph::model::RequesterSignal;

use super::eval::{co_authors, glob_match, ProvenanceVerdict, Rules};

/// A requester found in a record: the login on the record's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub login: String,
    pub signal: RequesterSignal,
}

/// What requester detection reads.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The login of the account that made the item.
    pub author: Option<&'a str>,
    pub author_is_bot: bool,
    /// The description, then any commit messages the connector has.
    pub texts: &'a [&'a str],
}

/// The phrases that introduce the person an agent worked for, lower case.
const PHRASES: &[&str] = &[
    "requested by",
    "triggered by",
    "on behalf of",
    "started by",
    "initiated by",
    "prompted by",
    "asked by",
    "assigned by",
];

/// Who asked for an item made by an AI agent, from its own texts. `None` for work that is not
/// AI-made, and when nothing names a person.
pub fn requester(
    rules: &Rules,
    verdict: &ProvenanceVerdict,
    facts: &RequestFacts<'_>,
) -> Option<Requester> {
    if verdict.provenance != Provenance::AiAgent {
        return None;
    }
    // The agent does not ask itself (its app account is `login[bot]`).
    let not_author = |login: &str| {
        facts.author.is_none_or(|a| {
            !a.eq_ignore_ascii_case(login)
                && !a.trim_end_matches("[bot]").eq_ignore_ascii_case(login)
        })
    };
    for text in facts.texts {
        if let Some(login) = requested_by(text).filter(|l| not_author(l)) {
            return Some(Requester {
                login,
                signal: RequesterSignal::PrBody,
            });
        }
    }
    // An agent's commits name the person it worked with as a co-author; a co-author who is
    // itself an agent (a co-author rule names it) is not a person.
    if facts.author_is_bot {
        for text in facts.texts {
            for trailer in co_authors(text) {
                let agent = rules
                    .provenance
                    .iter()
                    .any(|r| r.signal == "co_author" && glob_match(&r.pattern, &trailer));
                if agent {
                    continue;
                }
                if let Some(login) = noreply_login(&trailer).filter(|l| not_author(l)) {
                    return Some(Requester {
                        login,
                        signal: RequesterSignal::CoAuthor,
                    });
                }
            }
        }
    }
    None
}

/// The login after a requester phrase in `text` ("Requested by: Jane Doe (@jdoe)" → `jdoe`):
/// the first `@login` on the same line after the phrase.
pub fn requested_by(text: &str) -> Option<String> {
    for line in text.lines() {
        let lower = line.to_lowercase();
        for phrase in PHRASES {
            let mut from = 0;
            while let Some(at) = lower[from..].find(phrase) {
                let after = from + at + phrase.len();
                // Lower-casing can change byte lengths outside ASCII; read the original line
                // only where both agree.
                if let Some(rest) = line.get(after..).filter(|_| lower.len() == line.len()) {
                    if let Some(login) = first_mention(rest) {
                        return Some(login);
                    }
                }
                from = after;
            }
        }
    }
    None
}

/// The first `@login` in `text` (GitHub logins: letters, digits and single hyphens, at most 39
/// characters); bot accounts (`[bot]`) are not people.
fn first_mention(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'@' && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let login: String = text[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let login = login.trim_end_matches('-');
            let rest = &text[i + 1 + login.len()..];
            if !login.is_empty() && login.len() <= 39 && !rest.starts_with("[bot]") {
                return Some(login.to_owned());
            }
        }
        i += 1;
    }
    None
}

/// The GitHub login of a `Name <id+login@users.noreply.github.com>` trailer value.
pub fn noreply_login(trailer: &str) -> Option<String> {
    const DOMAIN: &str = "@users.noreply.github.com";
    let email = trailer.rsplit_once('<')?.1.trim_end_matches('>').trim();
    let cut = email.len().checked_sub(DOMAIN.len())?;
    if !email.is_char_boundary(cut) || !email[cut..].eq_ignore_ascii_case(DOMAIN) {
        return None;
    }
    let local = &email[..cut];
    let login = local.split_once('+').map_or(local, |(_, login)| login);
    let valid = !login.is_empty()
        && login.len() <= 39
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| login.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::repo::provenance_rules::ProvenanceRule;

    fn rules() -> Rules {
        Rules {
            team: vec![],
            provenance: vec![ProvenanceRule {
                id: "c".into(),
                signal: "co_author".into(),
                pattern: "*copilot*".into(),
                provenance: Provenance::AiAgent,
                agent: Some("GitHub Copilot".into()),
                confidence: 0.8,
                builtin: true,
            }],
        }
    }

    fn ai() -> ProvenanceVerdict {
        ProvenanceVerdict {
            provenance: Provenance::AiAgent,
            agent: Some("Devin".into()),
            confidence: 0.95,
        }
    }

    fn find(author: &str, bot: bool, texts: &[&str]) -> Option<Requester> {
        requester(
            &rules(),
            &ai(),
            &RequestFacts {
                author: Some(author),
                author_is_bot: bot,
                texts,
            },
        )
    }

    #[test]
    fn devin_names_the_requester_in_the_description() {
        let body = "Adds retries.\n\nLink to Devin run: https://app.devin.ai/sessions/abc\nRequested by: Jane Doe (@jdoe)";
        assert_eq!(
            find("devin-ai-integration[bot]", true, &[body]),
            Some(Requester {
                login: "jdoe".into(),
                signal: RequesterSignal::PrBody
            })
        );
        assert_eq!(
            requested_by("Triggered by @ann-lee."),
            Some("ann-lee".into()),
            "trailing punctuation is not part of a login"
        );
        assert_eq!(
            requested_by("Work done on behalf of [@bob](https://github.com/bob)"),
            Some("bob".into())
        );
        assert_eq!(
            requested_by("REQUESTED BY @Carol"),
            Some("Carol".into()),
            "phrases in any case"
        );
    }

    #[test]
    fn mentions_elsewhere_emails_and_bots_are_not_requesters() {
        assert_eq!(
            requested_by("cc @ann, thanks @bob"),
            None,
            "a mention alone says nothing"
        );
        assert_eq!(requested_by("Requested by: jane@example.com"), None);
        assert_eq!(requested_by("Requested by @renovate[bot]"), None);
        assert_eq!(
            requested_by("Requested by Jane Doe\n@bob reviewed"),
            None,
            "the login must be on the phrase's line"
        );
        assert_eq!(
            find(
                "devin-ai-integration[bot]",
                true,
                &["Requested by @devin-ai-integration"]
            ),
            None,
            "the agent did not ask itself"
        );
    }

    #[test]
    fn copilot_commits_name_the_person_as_a_co_author() {
        let commit = "Fix flaky retry\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\nCo-authored-by: jdoe <1234+jdoe@users.noreply.github.com>";
        assert_eq!(
            find("copilot-swe-agent[bot]", true, &["Fixes #12", commit]),
            Some(Requester {
                login: "jdoe".into(),
                signal: RequesterSignal::CoAuthor
            }),
            "the agent's own trailer is skipped, the person's is read"
        );
        assert_eq!(
            find("ann", false, &[commit]),
            None,
            "a person's own commits co-authored with someone do not make that someone a requester"
        );
        assert_eq!(
            noreply_login("Jane <jdoe@users.noreply.github.com>"),
            Some("jdoe".into())
        );
        assert_eq!(noreply_login("Jane <jane@acme.com>"), None);
    }

    #[test]
    fn only_ai_made_work_has_a_requester() {
        let human = ProvenanceVerdict {
            provenance: Provenance::Human,
            agent: None,
            confidence: 1.0,
        };
        let found = requester(
            &rules(),
            &human,
            &RequestFacts {
                author: Some("ann"),
                author_is_bot: false,
                texts: &["Requested by @bob"],
            },
        );
        assert_eq!(found, None);
    }
}

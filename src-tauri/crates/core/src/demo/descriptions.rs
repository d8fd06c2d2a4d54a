//! What the demo's items say in their descriptions, handed to each source's mapping as the
//! field it reads (a GitHub or Linear body in Markdown, a Jira description as an Atlassian
//! Document Format tree) and read back through it, as a sync reads them.
//!
//! Each description tells a few facts drawn from the team's own words (what, where, under which
//! condition, how many, since when) in the shape its kind is written in (a defect's steps, a
//! feature's acceptance criteria, a pull request's summary and tests). Work filed twice (a
//! duplicates link, or a duplicate planted without one) tells the same facts in the second
//! team's own shape and words: alike, never the same text. Automations say what bots say.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::generate::{HOSTILE_TITLE, SRC_GITHUB, SRC_JIRA, SRC_LINEAR};
use super::org::TEAMS;
use super::rng::Rng;
use super::titles::Vocab;
use super::DemoGraph;
use crate::connectors::{github, jira, linear};
use crate::graph::model::{ItemKind, LinkKind, Provenance, WorkItem};

/// What a description tells.
#[derive(Debug, Clone)]
struct Facts {
    object: &'static str,
    other: &'static str,
    condition: &'static str,
    surface: &'static str,
    tech: &'static str,
    count: u32,
    since: &'static str,
    symptom: &'static str,
    reporter: &'static str,
}

const SYMPTOMS: &[&str] = &[
    "shows a stale total",
    "returns a 500 error",
    "hangs for about thirty seconds",
    "drops the last record",
    "writes the entry twice",
    "logs a null pointer exception",
    "skips the validation step",
    "renders an empty panel",
    "reports the wrong currency",
    "loses the user's draft",
];

const SINCE: &[&str] = &[
    "the Monday release",
    "release 4.2",
    "the database failover last week",
    "the config change on Thursday",
    "the migration to the new cluster",
    "the start of the quarter",
    "the last dependency bump",
];

const REPORTERS: &[&str] = &[
    "a customer escalation",
    "the support queue",
    "an on-call page",
    "a sales demo",
    "the weekly error review",
    "a partner integration test",
];

/// One of `list` (none when empty).
fn one(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    list.get(rng.below(list.len().max(1)))
        .copied()
        .unwrap_or("")
}

fn draw(vocab: &Vocab, rng: &mut Rng) -> Facts {
    Facts {
        object: one(rng, vocab.objects),
        other: one(rng, vocab.objects),
        condition: one(rng, vocab.conditions),
        surface: one(rng, vocab.surfaces),
        tech: one(rng, vocab.techs),
        count: rng.between(2, 400) as u32,
        since: one(rng, SINCE),
        symptom: one(rng, SYMPTOMS),
        reporter: one(rng, REPORTERS),
    }
}

/// The description in Markdown, one of two wordings (`style`): the same facts told by two teams
/// read alike without being the same text.
fn render(kind: ItemKind, title: &str, f: &Facts, style: usize) -> String {
    let Facts {
        object,
        other,
        condition,
        surface,
        tech,
        count,
        since,
        symptom,
        reporter,
    } = f;
    match (kind, style % 2) {
        (ItemKind::Defect | ItemKind::Incident, 0) => format!(
            "## What happens\nWhen {condition}, {object} on {surface} {symptom}. About {count} \
             accounts are affected since {since}.\n\n## Steps to reproduce\n1. Open {surface}\n\
             2. Trigger {object} while {condition}\n3. Compare with {other}\n\n## Expected\n\
             {object} completes normally.\n\nFound through {reporter}."
        ),
        (ItemKind::Defect | ItemKind::Incident, _) => format!(
            "Seen again through {reporter}: {object} {symptom} on {surface} whenever {condition}.\n\n\
             - started after {since}\n- roughly {count} accounts hit\n- {other} looks fine\n\n\
             Expected result: {object} completes normally."
        ),
        (ItemKind::Feature, 0) => format!(
            "## Why\nTeams using {surface} keep asking for this: {reporter} raised it {count} \
             times since {since}.\n\n## What\n{title}. It covers {object} and how it works \
             with {other}, on {tech}.\n\n## Acceptance criteria\n- works when {condition}\n\
             - visible on {surface}\n- documented"
        ),
        (ItemKind::Feature, _) => format!(
            "Request from {reporter}, {count} asks since {since}.\n\nWe want {object} on \
             {surface}, together with {other}; build it on {tech}.\n\nDone when it works even \
             if {condition}, and {surface} shows it."
        ),
        (ItemKind::PullRequest, 0) => format!(
            "## Summary\n{title}.\n\nTouches {object} in {surface} and keeps {other} as it \
             is; runs on {tech}.\n\n## Testing\n- new case for when {condition}\n- replayed \
             {count} recorded requests"
        ),
        (ItemKind::PullRequest, _) => format!(
            "This changes {object} ({surface}) so that it holds when {condition}. {other} is \
             untouched. Built against {tech}; checked with {count} recorded requests."
        ),
        (_, 0) => format!(
            "## Context\n{object} on {surface} has grown hard to change since {since}; {tech} \
             is involved.\n\n## Plan\n- look at {object} and {other}\n- cover the case where \
             {condition}\n- about {count} call sites to review"
        ),
        (_, _) => format!(
            "Cleanup of {object} in {surface} ({tech}). Around {count} call sites, \
             {other} included; the case where {condition} needs care. Raised by {reporter}."
        ),
    }
}

/// What a dependency bot or a release automation writes.
fn automation(title: &str, f: &Facts) -> String {
    format!(
        "{title}\n\nThis change was made by an automation.\n\n<!-- automation: do not edit \
         this comment -->\nCompatibility checks passed on {tech}.",
        tech = f.tech
    )
}

/// A Markdown description as an Atlassian Document Format tree (headings, lists, paragraphs),
/// as Jira Cloud stores one.
fn adf(markdown: &str) -> Value {
    let mut content: Vec<Value> = Vec::new();
    let mut bullets: Vec<Value> = Vec::new();
    let mut numbered: Vec<Value> = Vec::new();
    let text = |t: &str| json!({ "type": "paragraph", "content": [{ "type": "text", "text": t }] });
    let flush = |content: &mut Vec<Value>, bullets: &mut Vec<Value>, numbered: &mut Vec<Value>| {
        if !bullets.is_empty() {
            content.push(json!({ "type": "bulletList", "content": std::mem::take(bullets) }));
        }
        if !numbered.is_empty() {
            content.push(json!({ "type": "orderedList", "content": std::mem::take(numbered) }));
        }
    };
    for line in markdown.lines() {
        let line = line.trim();
        if let Some(item) = line.strip_prefix("- ") {
            bullets.push(json!({ "type": "listItem", "content": [text(item)] }));
            continue;
        }
        if let Some((n, item)) = line.split_once(". ") {
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
                numbered.push(json!({ "type": "listItem", "content": [text(item)] }));
                continue;
            }
        }
        flush(&mut content, &mut bullets, &mut numbered);
        if line.is_empty() {
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            content.push(json!({ "type": "heading", "attrs": { "level": 2 },
                "content": [{ "type": "text", "text": heading }] }));
        } else {
            content.push(text(line));
        }
    }
    flush(&mut content, &mut bullets, &mut numbered);
    json!({ "type": "doc", "version": 1, "content": content })
}

/// The plain text the item's source mapping reads from the description written as `markdown`.
fn through_the_mapping(item: &WorkItem, markdown: &str) -> String {
    match item.source_id.as_str() {
        SRC_JIRA => jira::map::description_text(Some(&adf(markdown))),
        SRC_LINEAR => linear::map::description_text(Some(markdown)).to_owned(),
        SRC_GITHUB => github::map::description_text(Some(markdown)).to_owned(),
        _ => markdown.to_owned(),
    }
}

/// The descriptions of every item of `g` (item id, plain text as its mapping reads it).
pub(crate) fn add(g: &mut DemoGraph, seed: u64) {
    let mut rng = Rng::stream(seed, 31);
    let vocab_of: HashMap<String, &Vocab> = TEAMS
        .iter()
        .map(|t| (format!("team-{}", t.slug), t.vocab))
        .collect();
    let fallback = TEAMS[0].vocab;
    let position: HashMap<&str, usize> = g
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.as_str(), i))
        .collect();
    let facts: Vec<Facts> = g
        .items
        .iter()
        .map(|item| {
            let vocab = item
                .team_id
                .as_ref()
                .and_then(|t| vocab_of.get(t).copied())
                .unwrap_or(fallback);
            draw(vocab, &mut rng)
        })
        .collect();
    // Work filed twice: the later item tells the earlier one's facts.
    let mut told_as: Vec<Option<usize>> = vec![None; g.items.len()];
    let twice = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Duplicates && l.removed_at.is_none())
        .map(|l| (l.from_item_id.as_str(), l.to_item_id.as_str()))
        .chain(
            g.planted_duplicates
                .iter()
                .map(|(later, earlier)| (later.as_str(), earlier.as_str())),
        );
    for (x, y) in twice {
        let (Some(&a), Some(&b)) = (position.get(x), position.get(y)) else {
            continue;
        };
        let (earlier, later) = if g.items[a].created_at <= g.items[b].created_at {
            (a, b)
        } else {
            (b, a)
        };
        if told_as[earlier].is_none() {
            told_as[later] = Some(earlier);
        }
    }
    // Each team writes in its own shape (its templates); a few people write otherwise.
    let team_style: HashMap<String, usize> = TEAMS
        .iter()
        .enumerate()
        .map(|(t, def)| (format!("team-{}", def.slug), t % 2))
        .collect();
    let styles: Vec<usize> = g
        .items
        .iter()
        .map(|item| {
            let own = item
                .team_id
                .as_ref()
                .and_then(|t| team_style.get(t).copied())
                .unwrap_or(0);
            if rng.chance(0.15) {
                1 - own
            } else {
                own
            }
        })
        .collect();
    let mut out = Vec::with_capacity(g.items.len());
    for (i, item) in g.items.iter().enumerate() {
        let markdown = if item.provenance == Provenance::Automation {
            automation(&item.title, &facts[i])
        } else if let Some(earlier) = told_as[i] {
            // The same facts in the second team's shape, its own reporter.
            let mut f = facts[earlier].clone();
            f.reporter = facts[i].reporter;
            render(item.kind, &item.title, &f, styles[i])
        } else {
            render(item.kind, &item.title, &facts[i], styles[i])
        };
        let markdown = if item.title == HOSTILE_TITLE {
            format!("{markdown}\n\nRepro: paste <img src=x onerror=alert(1)> into the body.")
        } else {
            markdown
        };
        out.push((item.id.clone(), through_the_mapping(item, &markdown)));
    }
    g.descriptions = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duplicates::text::{describe, description_similarity};

    #[test]
    fn adf_reads_back_as_the_markdown_text() {
        let md = "## Why\nBecause.\n\n- one\n- two\n1. first\n2. second\nEnd <b>here</b>";
        let text = jira::map::description_text(Some(&adf(md)));
        assert_eq!(
            text, "Why\nBecause.\none\ntwo\nfirst\nsecond\nEnd <b>here</b>",
            "blocks become lines; markup in text stays text"
        );
    }

    #[test]
    fn the_same_facts_told_twice_read_alike_and_other_facts_do_not() {
        let vocab = TEAMS[0].vocab;
        let mut rng = Rng::new(7);
        let a = draw(vocab, &mut rng);
        let mut b = draw(vocab, &mut rng);
        while b.object == a.object {
            b = draw(vocab, &mut rng);
        }
        for kind in [ItemKind::Defect, ItemKind::Feature, ItemKind::Task] {
            // Told by a team of the other shape: once the same facts, once others.
            let first = describe(&render(kind, "Title one", &a, 0));
            let again = describe(&render(kind, "Title again", &a, 1));
            let other = describe(&render(kind, "Title other", &b, 1));
            let alike = description_similarity(&first, &again).unwrap_or(0.0);
            let unlike = description_similarity(&first, &other).unwrap_or(1.0);
            assert!(
                alike > unlike + 0.15,
                "{kind:?}: the same facts {alike:.2}, other facts {unlike:.2}"
            );
        }
    }
}

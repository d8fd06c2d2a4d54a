//! Writing one page of a sync: raw records, people, items, transitions, links, workflow
//! mappings, the run's figures and the stream's cursor, all in one transaction.
//!
//! Either the whole page is in the file or none of it is: a sync interrupted anywhere resumes
//! from the last committed cursor, and since every write is an upsert keyed by source ids (and
//! transitions are keyed by the source's event id), writing a page twice changes nothing.

use std::collections::{HashMap, HashSet};

use crate::graph::model::{
    Identity, IntentRuleField, ItemFacet, Link, Person, SourceIntentLink, SourcedIntent,
    Transition, WorkItem, WorkflowMap,
};
use crate::graph::repo::{self, links::LinkSet, raw_records::RawRecord, sync_cursors::Cursor};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::error::SyncError;

/// A person as a source shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenPerson {
    pub login: String,
    pub display_name: String,
    pub is_bot: bool,
    /// The e-mail address the source shows for the login, if any (to match people across
    /// sources, see [`crate::people`]).
    pub email: Option<String>,
}

/// Who asked an AI agent for an item, and the signal that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct RequesterFact {
    pub item_id: String,
    /// A person id (from [`PageWrite::person`]).
    pub person_id: String,
    /// `pr_body`, `co_author` or `author`.
    pub signal: &'static str,
}

/// The id a login gets as a person when nobody merged it into another person.
pub fn person_id(source_id: &str, login: &str) -> String {
    format!("{source_id}:{login}")
}

/// Everything one page of a stream produces.
#[derive(Debug, Clone, Default)]
pub struct PageWrite {
    pub stream: String,
    pub raw: Vec<RawRecord>,
    /// People met on the page; items, transitions and links name them by [`person_id`].
    pub people: Vec<SeenPerson>,
    pub items: Vec<WorkItem>,
    /// May name items not on the page; those not stored are skipped (an event of an item that
    /// was never synced).
    pub transitions: Vec<Transition>,
    /// May name items not stored yet: they wait in `pending_links`. An end may be an item id
    /// or a key the item is known by (see `keys`): it resolves to the item's id when the key is
    /// known, here or from an earlier page.
    pub links: Vec<Link>,
    /// The keys (qualified: `jira:acme.atlassian.net/PAY-12`) the page's items are or were known
    /// by, with their ids.
    pub keys: Vec<(String, String)>,
    pub link_sets: Vec<LinkSet>,
    pub workflow_maps: Vec<WorkflowMap>,
    /// Who asked for the page's items, as their own records say (see
    /// [`crate::rules::requester`]). An item of the page with none here has no requester.
    pub requesters: Vec<RequesterFact>,
    /// Intents the page's records are (Jira epics and higher levels, GitHub milestones).
    pub intents: Vec<SourcedIntent>,
    /// The items of the page whose intent facts (`facets`, `intent_links`) the page states:
    /// theirs are replaced by the page's.
    pub intent_facts_for: Vec<String>,
    /// What intent rules match on, for items of `intent_facts_for`.
    pub facets: Vec<ItemFacet>,
    /// Which intent each item of `intent_facts_for` serves, as its record says.
    pub intent_links: Vec<SourceIntentLink>,
    /// The files changes of the page touch (each list replaces its item's; items not stored
    /// are skipped).
    pub paths: Vec<crate::graph::repo::item_paths::PathList>,
    /// The descriptions of the page's items, as plain text (item id, text): each replaces what
    /// is stored of its item's (an empty text: the description was emptied). Items whose mapping
    /// reads no description are not named (what is stored of them stays).
    pub descriptions: Vec<(String, String)>,
    /// Repositories' `CODEOWNERS` read with the page.
    pub owners: Vec<crate::graph::repo::item_paths::RepoOwners>,
    /// The stream's position after this page.
    pub cursor: Option<Cursor>,
    /// Other streams' positions written with the page (a pull request timeline's validator).
    pub cursors: Vec<(String, Cursor)>,
    /// Items whose state changes, blocked flags and review actions on this page are their whole
    /// history: what was stored of those is replaced (a lifecycle recomputed from a full
    /// timeline).
    pub lifecycles: Vec<String>,
    /// Reviews still asked for on the items of `lifecycles` (GitHub pull requests): they replace
    /// what is stored of those items.
    pub review_requests: Vec<crate::graph::repo::review_requests::ReviewRequest>,
    /// A repository's deployments waiting for a required reviewer (its scope, and every row it
    /// has now): they replace what is stored of that repository (a snapshot).
    pub deployment_approvals: Option<(
        String,
        Vec<crate::graph::repo::deployment_approvals::DeploymentApproval>,
    )>,
    /// Where each page [`PageWrite::absorb`]ed into this one starts in `transitions`: each
    /// page's changes are numbered (`transitions.seq`) as if it were written alone.
    pub absorbed_at: Vec<usize>,
}

impl PageWrite {
    /// A page of `stream`.
    pub fn new(stream: &str) -> PageWrite {
        PageWrite {
            stream: stream.to_owned(),
            ..PageWrite::default()
        }
    }

    /// Records a person (once per login).
    pub fn person(&mut self, source_id: &str, person: SeenPerson) -> String {
        let id = person_id(source_id, &person.login);
        if !self.people.iter().any(|p| p.login == person.login) {
            self.people.push(person);
        }
        id
    }

    /// The items (and keys naming them) whose stored rows the page's write sets or replaces:
    /// its items, the items whose history, reviews asked, links from one side, file lists,
    /// descriptions or intent facts it states in full, and its keys.
    fn written_items(&self) -> HashSet<&str> {
        let mut written: HashSet<&str> = HashSet::new();
        self.any_written(|id| {
            written.insert(id);
            false
        });
        written
    }

    /// Whether `hit` holds for one of the items (or keys) the page writes (see
    /// [`PageWrite::written_items`]), tried in turn until one does.
    fn any_written<'a>(&'a self, mut hit: impl FnMut(&'a str) -> bool) -> bool {
        self.items.iter().any(|i| hit(&i.id))
            || self.lifecycles.iter().any(|id| hit(id))
            || self.link_sets.iter().any(|s| hit(&s.item_id))
            || self.keys.iter().any(|(key, id)| hit(key) || hit(id))
            || self.paths.iter().any(|p| hit(&p.item_id))
            || self.descriptions.iter().any(|(id, _)| hit(id))
            || self.intent_facts_for.iter().any(|id| hit(id))
    }

    /// Every item (or key naming one) the page says something about: those it writes (see
    /// [`PageWrite::written_items`]) and those its changes, reviews asked, links, link sets and
    /// requesters name.
    fn named_items(&self) -> HashSet<&str> {
        let mut named: HashSet<&str> = HashSet::new();
        self.any_named(|id| {
            named.insert(id);
            false
        });
        named
    }

    /// Whether `hit` holds for one of the items (or keys) the page names (see
    /// [`PageWrite::named_items`]), tried in turn until one does.
    fn any_named<'a>(&'a self, mut hit: impl FnMut(&'a str) -> bool) -> bool {
        self.any_written(&mut hit)
            || self.transitions.iter().any(|t| hit(&t.item_id))
            || self.review_requests.iter().any(|r| hit(&r.item_id))
            || self
                .links
                .iter()
                .any(|l| hit(&l.from_item_id) || hit(&l.to_item_id))
            || self
                .link_sets
                .iter()
                .any(|set| set.keep.iter().any(|(from, to, _)| hit(from) || hit(to)))
            || self.requesters.iter().any(|r| hit(&r.item_id))
    }

    /// Whether writing `later` in one transaction with this page could differ from writing the
    /// two one after the other: one of them writes an item the other names (a page's write
    /// reads what is stored of the items it names: changes of items not stored are dropped, a
    /// key resolves to its item, a lifecycle replaces an item's history, a link set retires the
    /// links not listed), they hold a common raw record, or they move a common cursor other
    /// than the stream's own. (Two pages that only add changes or links to one item are
    /// written as they would be one after the other: changes are numbered per page, and a
    /// link listed twice keeps what the later page says.)
    ///
    /// Only `later`'s (one page's) items, records and cursors are gathered in sets; this page's
    /// (several pages' once some are held) are only looked up in them, so holding more pages
    /// does not make each one's check cost more.
    pub fn overlaps(&self, later: &PageWrite) -> bool {
        let (later_written, later_named) = (later.written_items(), later.named_items());
        if self.any_written(|id| later_named.contains(id))
            || self.any_named(|id| later_written.contains(id))
        {
            return true;
        }
        let raw: HashSet<(&str, &str)> = later
            .raw
            .iter()
            .map(|r| (r.stream.as_str(), r.external_id.as_str()))
            .collect();
        if self
            .raw
            .iter()
            .any(|r| raw.contains(&(r.stream.as_str(), r.external_id.as_str())))
        {
            return true;
        }
        let cursors: HashSet<&str> = later.cursors.iter().map(|(s, _)| s.as_str()).collect();
        self.cursors
            .iter()
            .any(|(stream, _)| cursors.contains(stream.as_str()))
    }

    /// Adds the next page of the same stream to this one, so both are written in one
    /// transaction, as they would be one after the other (call only when
    /// [`PageWrite::overlaps`] is false): its cursor replaces this page's, a person met on both
    /// keeps what the later page says (and an e-mail address seen on the earlier one), and
    /// everything else is appended after this page's.
    pub fn absorb(&mut self, later: PageWrite) {
        let PageWrite {
            stream: _,
            raw,
            people,
            items,
            transitions,
            links,
            keys,
            link_sets,
            workflow_maps,
            requesters,
            intents,
            intent_facts_for,
            facets,
            intent_links,
            paths,
            descriptions,
            owners,
            cursor,
            cursors,
            lifecycles,
            review_requests,
            deployment_approvals,
            absorbed_at,
        } = later;
        let offset = self.transitions.len();
        self.absorbed_at.push(offset);
        self.absorbed_at
            .extend(absorbed_at.into_iter().map(|at| at + offset));
        for person in people {
            match self.people.iter_mut().find(|p| p.login == person.login) {
                Some(known) => {
                    let email = person.email.clone().or_else(|| known.email.take());
                    *known = SeenPerson { email, ..person };
                }
                None => self.people.push(person),
            }
        }
        self.raw.extend(raw);
        self.items.extend(items);
        self.transitions.extend(transitions);
        self.links.extend(links);
        self.keys.extend(keys);
        self.link_sets.extend(link_sets);
        self.workflow_maps.extend(workflow_maps);
        self.requesters.extend(requesters);
        self.intents.extend(intents);
        self.intent_facts_for.extend(intent_facts_for);
        self.facets.extend(facets);
        self.intent_links.extend(intent_links);
        self.paths.extend(paths);
        self.descriptions.extend(descriptions);
        self.owners.extend(owners);
        if cursor.is_some() {
            self.cursor = cursor;
        }
        self.cursors.extend(cursors);
        self.lifecycles.extend(lifecycles);
        self.review_requests.extend(review_requests);
        if deployment_approvals.is_some() {
            self.deployment_approvals = deployment_approvals;
        }
    }
}

pub use crate::graph::repo::sync_runs::RunFigures;

/// What a committed page changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageOutcome {
    pub items: u64,
    pub transitions: u64,
    pub links: u64,
}

/// Writes `page` for `source_id` in one transaction, with the run's figures.
pub async fn commit_page(
    ws: &Workspace,
    source_id: &str,
    run_id: &str,
    figures: RunFigures,
    page: &PageWrite,
    now: i64,
) -> Result<PageOutcome, SyncError> {
    let prepared = PreparedPage::of(page);
    commit_prepared_page(ws, source_id, run_id, figures, (page, &prepared), now).await
}

/// [`commit_page`] with the page already prepared (`prepared` is [`PreparedPage::of`] it).
pub async fn commit_prepared_page(
    ws: &Workspace,
    source_id: &str,
    run_id: &str,
    figures: RunFigures,
    (page, prepared): (&PageWrite, &PreparedPage),
    now: i64,
) -> Result<PageOutcome, SyncError> {
    let (outcome, _) = ws
        .write(CommitPage {
            source_id,
            run_id,
            figures,
            page,
            prepared,
            now,
        })
        .await?;
    Ok(outcome)
}

/// What `item_texts` stores of each description (see [`crate::duplicates::text::describe`]).
pub fn item_texts(descriptions: &[(String, String)]) -> Vec<repo::item_texts::ItemText> {
    use crate::duplicates::text;
    // Words come back from one description to the next: their seeded hashes are kept.
    let mut describer = text::Describer::new(text::DESCRIBER_WORDS);
    descriptions
        .iter()
        .map(|(item_id, body)| {
            let d = describer.describe(body);
            repo::item_texts::ItemText {
                item_id: item_id.clone(),
                words: d.words,
                signature: d.sig.to_vec(),
                scheme: text::DESC_SCHEME,
            }
        })
        .collect()
}

/// Which link ends of `page` are keys of known items: the page's own keys first, then the
/// stored ones. Ends that name nothing known are left out (they are ids, or keys of items not
/// synced yet).
async fn resolve_keys(
    w: &mut Writer<'_>,
    page: &PageWrite,
) -> Result<HashMap<String, String>, SyncError> {
    let mut named: HashMap<String, String> = page.keys.iter().cloned().collect();
    let ends = page
        .links
        .iter()
        .flat_map(|l| [&l.from_item_id, &l.to_item_id])
        .chain(
            page.link_sets
                .iter()
                .flat_map(|s| s.keep.iter().flat_map(|(from, to, _)| [from, to])),
        );
    let mut unknown: Vec<&str> = ends
        .map(String::as_str)
        .filter(|end| !named.contains_key(*end))
        .collect();
    if unknown.is_empty() {
        return Ok(named);
    }
    unknown.sort_unstable();
    unknown.dedup();
    let json = serde_json::to_string(&unknown).unwrap_or_else(|_| "[]".into());
    named.extend(repo::item_keys::resolve(w.conn(), &json).await?);
    Ok(named)
}

/// The write of [`commit_page`].
struct CommitPage<'a> {
    source_id: &'a str,
    run_id: &'a str,
    figures: RunFigures,
    page: &'a PageWrite,
    prepared: &'a PreparedPage,
    now: i64,
}

/// What a page's write stores that needs no database: its raw records compressed and its
/// descriptions summed up. A sync makes it ([`PreparedPage::of`]) while the page before is
/// still being written, so this CPU work is not inside the write (which pages wait for one
/// after the other).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreparedPage {
    /// `page.raw[i]`'s payload as stored ([`repo::raw_records::pack`]).
    pub packed_raw: Vec<Vec<u8>>,
    /// `page.descriptions` summed up ([`item_texts`]).
    pub texts: Vec<repo::item_texts::ItemText>,
}

impl PreparedPage {
    /// Prepares `page`.
    pub fn of(page: &PageWrite) -> PreparedPage {
        PreparedPage {
            packed_raw: repo::raw_records::pack(&page.raw),
            texts: item_texts(&page.descriptions),
        }
    }
}

impl WriteOp for CommitPage<'_> {
    type Output = PageOutcome;
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<PageOutcome, SyncError> {
        let CommitPage {
            source_id,
            run_id,
            figures,
            page,
            prepared,
            now,
        } = self;
        let mut outcome = PageOutcome::default();

        repo::raw_records::upsert_packed(w.conn(), &page.raw, &prepared.packed_raw).await?;

        // People: a login that already has an identity keeps its person (identities may have been
        // merged); new logins get a person of their own.
        let mut rename: HashMap<String, String> = HashMap::new();
        if !page.people.is_empty() {
            let logins: Vec<&str> = page.people.iter().map(|p| p.login.as_str()).collect();
            let logins_json = serde_json::to_string(&logins).unwrap_or_else(|_| "[]".into());
            let known: HashMap<String, String> =
                repo::identities::resolve(w.conn(), source_id, &logins_json)
                    .await?
                    .into_iter()
                    .collect();
            let mut people = Vec::new();
            let mut identities = Vec::new();
            for seen in &page.people {
                let own = person_id(source_id, &seen.login);
                match known.get(&seen.login) {
                    Some(existing) if *existing != own => {
                        rename.insert(own, existing.clone());
                    }
                    Some(_) => people.push(Person {
                        id: own,
                        display_name: seen.display_name.clone(),
                        team_id: None,
                        is_bot: seen.is_bot,
                    }),
                    None => {
                        people.push(Person {
                            id: own.clone(),
                            display_name: seen.display_name.clone(),
                            team_id: None,
                            is_bot: seen.is_bot,
                        });
                        identities.push(Identity {
                            source_id: source_id.to_owned(),
                            login: seen.login.clone(),
                            person_id: own,
                        });
                    }
                }
            }
            repo::people::upsert_synced(w.conn(), &people).await?;
            repo::identities::insert_missing(w.conn(), &identities).await?;
            // What the source says of each login (its name, its e-mail), for matching people
            // across sources; a merged login keeps its person.
            let described: Vec<serde_json::Value> = page
                .people
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "login": p.login,
                        "name": p.display_name,
                        "email": p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_lowercase),
                    })
                })
                .collect();
            let described = serde_json::Value::from(described).to_string();
            repo::identities::describe(w.conn(), source_id, &described).await?;
        }
        let person = |id: &Option<String>| -> Option<String> {
            id.as_ref()
                .map(|id| rename.get(id).cloned().unwrap_or_else(|| id.clone()))
        };

        repo::workflow_maps::upsert_many(w.conn(), &page.workflow_maps).await?;

        let items: Vec<WorkItem> = page
            .items
            .iter()
            .map(|item| WorkItem {
                owner_id: person(&item.owner_id),
                author_id: person(&item.author_id),
                ..item.clone()
            })
            .collect();
        outcome.items = repo::items::upsert_many(w.conn(), &items).await?;
        if !items.is_empty() {
            // Every item of the page gets its requester, or none: a description edited since
            // the last sync may no longer name one.
            let rows: Vec<serde_json::Value> = items
                .iter()
                .map(|item| {
                    let fact = page.requesters.iter().find(|r| r.item_id == item.id);
                    serde_json::json!([
                        item.id,
                        fact.and_then(|f| person(&Some(f.person_id.clone()))),
                        fact.map(|f| f.signal)
                    ])
                })
                .collect();
            let json = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into());
            repo::items::set_requesters(w.conn(), &json).await?;
        }
        repo::item_keys::upsert_many(w.conn(), &page.keys).await?;
        repo::item_texts::set_many(w.conn(), &prepared.texts).await?;
        // The changes whose file lists the page wrote: path rules are applied to them again.
        let mut listed: Vec<String> = Vec::new();
        if !page.paths.is_empty() {
            // Lists of items neither on the page nor stored are dropped (like their
            // transitions).
            let ids: Vec<&str> = page.paths.iter().map(|l| l.item_id.as_str()).collect();
            let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            let stored: HashSet<String> = repo::items::existing(w.conn(), &json)
                .await?
                .into_iter()
                .collect();
            let lists: Vec<repo::item_paths::PathList> = page
                .paths
                .iter()
                .filter(|l| stored.contains(&l.item_id))
                .cloned()
                .collect();
            repo::item_paths::set_lists(w.conn(), &lists).await?;
            listed = lists.into_iter().map(|l| l.item_id).collect();
        }
        repo::item_paths::put_owners(w.conn(), &page.owners).await?;

        // Intents and how the page's items serve them: facets and source links replaced for
        // the items the page states them for, intents imported (people's edits kept), rules
        // applied, and the effective intent set (a hand link always wins; a sync writes none).
        let rules = if !page.intent_facts_for.is_empty()
            || !page.intents.is_empty()
            || !listed.is_empty()
        {
            repo::intents::rules(&mut *w.conn()).await?
        } else {
            Vec::new()
        };
        let on_paths = rules.iter().any(|r| r.field == IntentRuleField::Path);
        if !page.intent_facts_for.is_empty() || !page.intents.is_empty() || on_paths {
            let facts_for = &page.intent_facts_for;
            repo::intents::set_facets(w.conn(), facts_for, &page.facets).await?;
            repo::intents::set_source_links(w.conn(), facts_for, &page.intent_links, now).await?;
            // Items synced earlier that name one of the page's intents resolve differently only
            // when that intent is new here or is known by other refs than before (a moved epic's
            // key): only theirs are resolved again. (Every page of a repository names its
            // milestones: re-resolving every item naming them made each page cost as much as
            // the whole repository.)
            let known = repo::intents::refs_of(w.conn(), &page.intents).await?;
            let newly_named: Vec<&str> = page
                .intents
                .iter()
                .filter(|i| {
                    known.get(&i.id).is_none_or(|(external_id, key)| {
                        *external_id != i.external_id || *key != i.key
                    })
                })
                .flat_map(|i| [i.external_id.as_str(), i.key.as_str()])
                .collect();
            if repo::intents::import(w.conn(), source_id, &page.intents).await? {
                w.changed(ChangeKind::Intents);
            }
            // The rules are tried again on the items the page states facts for and, when a
            // rule reads paths, on the changes whose files it wrote.
            let mut ruled = facts_for.clone();
            if on_paths {
                ruled.extend(listed.iter().cloned());
                ruled.sort_unstable();
                ruled.dedup();
            }
            let mut affected = ruled.clone();
            if !newly_named.is_empty() {
                affected
                    .extend(repo::intents::items_naming(w.conn(), source_id, &newly_named).await?);
            }
            affected.sort_unstable();
            affected.dedup();
            let matched = crate::intents::rules::matches(w.conn(), &rules, Some(&ruled)).await?;
            repo::intents::set_rule_links(w.conn(), Some(&ruled), &matched, now).await?;
            let moved = repo::intents::resolve(w.conn(), Some(&affected)).await?;
            w.items_changed(moved);
        }

        // Transitions of items neither on this page nor stored are dropped (events of items outside
        // the synced scope).
        let on_page: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
        let mut elsewhere: Vec<&str> = page
            .transitions
            .iter()
            .map(|t| t.item_id.as_str())
            .filter(|id| !on_page.contains(id))
            .collect();
        elsewhere.sort_unstable();
        elsewhere.dedup();
        let stored: HashSet<String> = if elsewhere.is_empty() {
            HashSet::new()
        } else {
            let json = serde_json::to_string(&elsewhere).unwrap_or_else(|_| "[]".into());
            repo::items::existing(w.conn(), &json)
                .await?
                .into_iter()
                .collect()
        };
        if !page.lifecycles.is_empty() {
            let json = serde_json::to_string(&page.lifecycles).unwrap_or_else(|_| "[]".into());
            repo::transitions::delete_lifecycle_of(w.conn(), &json).await?;
            let requests: Vec<repo::review_requests::ReviewRequest> = page
                .review_requests
                .iter()
                .filter(|r| on_page.contains(r.item_id.as_str()) || stored.contains(&r.item_id))
                .map(|r| repo::review_requests::ReviewRequest {
                    person_id: person(&r.person_id),
                    requested_by: person(&r.requested_by),
                    ..r.clone()
                })
                .collect();
            repo::review_requests::replace(w.conn(), &page.lifecycles, &requests).await?;
        }
        if let Some((scope, rows)) = &page.deployment_approvals {
            let rows: Vec<repo::deployment_approvals::DeploymentApproval> = rows
                .iter()
                .map(|r| repo::deployment_approvals::DeploymentApproval {
                    person_id: person(&r.person_id),
                    ..r.clone()
                })
                .collect();
            repo::deployment_approvals::replace(w.conn(), source_id, scope, &rows).await?;
            w.changed(ChangeKind::Decisions);
        }
        // Each page's kept changes are numbered from 0, also in a write of several pages.
        let mut starts = page.absorbed_at.iter().copied().peekable();
        let mut seq = 0;
        let mut transitions: Vec<(i64, Transition)> = Vec::with_capacity(page.transitions.len());
        for (i, t) in page.transitions.iter().enumerate() {
            while starts.next_if(|&start| start <= i).is_some() {
                seq = 0;
            }
            if on_page.contains(t.item_id.as_str()) || stored.contains(&t.item_id) {
                transitions.push((
                    seq,
                    Transition {
                        actor_id: person(&t.actor_id),
                        ..t.clone()
                    },
                ));
                seq += 1;
            }
        }
        let numbered: Vec<(i64, &Transition)> = transitions.iter().map(|(n, t)| (*n, t)).collect();
        outcome.transitions = repo::transitions::insert_numbered(w.conn(), &numbered).await?;

        // Links: ends named by a key become the id of the item it names (when known), then
        // staged, retired when their item no longer lists them, and promoted once both ends
        // exist.
        let named = resolve_keys(w, page).await?;
        let resolved =
            |end: &str| -> String { named.get(end).cloned().unwrap_or_else(|| end.to_owned()) };
        let links: Vec<Link> = page
            .links
            .iter()
            .map(|l| Link {
                from_item_id: resolved(&l.from_item_id),
                to_item_id: resolved(&l.to_item_id),
                ..l.clone()
            })
            .collect();
        repo::links::stage_pending(w.conn(), source_id, &links).await?;
        let sets: Vec<LinkSet> = page
            .link_sets
            .iter()
            .map(|set| LinkSet {
                keep: set
                    .keep
                    .iter()
                    .map(|(from, to, kind)| (resolved(from), resolved(to), *kind))
                    .collect(),
                ..set.clone()
            })
            .collect();
        repo::links::retire_missing_many(w.conn(), &sets, now).await?;
        let mut touched: Vec<&str> = on_page.iter().copied().collect();
        for link in &links {
            touched.push(&link.from_item_id);
            touched.push(&link.to_item_id);
        }
        // Pending links may name the page's items by a key.
        touched.extend(page.keys.iter().map(|(key, _)| key.as_str()));
        touched.sort_unstable();
        touched.dedup();
        if !touched.is_empty() {
            let json = serde_json::to_string(&touched).unwrap_or_else(|_| "[]".into());
            outcome.links = repo::links::promote_pending(w.conn(), &json).await?;
        }
        // Keys are not items: the index re-reads only ids.
        let keys: HashSet<&str> = page.keys.iter().map(|(key, _)| key.as_str()).collect();
        touched.retain(|id| !keys.contains(id));

        if let Some(cursor) = &page.cursor {
            repo::sync_cursors::put(w.conn(), source_id, &page.stream, cursor, now).await?;
        }
        repo::sync_cursors::put_many(w.conn(), source_id, &page.cursors, now).await?;
        repo::sync_runs::record_progress(w.conn(), run_id, &figures).await?;
        // What the in-memory index must read again: the page's items, the stored items it added
        // changes to, both ends of its links, and the changes whose file lists it wrote (read
        // models that follow the index, such as the conflicts' grouping, learn from it which
        // changes moved).
        let changed: Vec<String> = touched
            .iter()
            .map(|id| (*id).to_owned())
            .chain(stored.iter().cloned())
            .chain(listed)
            .collect();
        w.items_changed(changed);
        if !page.people.is_empty() {
            w.changed(ChangeKind::People);
        }
        if !page.workflow_maps.is_empty() {
            // Meanings inferred for states met for the first time.
            w.changed(ChangeKind::Workflow);
        }
        w.changed(ChangeKind::SyncRuns);
        Ok(outcome)
    }
}

/// Records that `stream` of a source failed for good (see
/// [`SyncError::fails_for_good`]): the stream keeps the error (`sync_cursors.error_code`,
/// `error`, `failed_at`, cleared when it syncs again) and its walk in progress is dropped, so the
/// next run starts it again from its watermark rather than from the page that failed.
pub async fn record_stream_failure(
    ws: &Workspace,
    source_id: &str,
    stream: &str,
    error_code: &str,
    message: &str,
    now: i64,
) -> Result<(), SyncError> {
    ws.write(FailStream {
        source_id,
        stream,
        error_code,
        message,
        now,
    })
    .await?;
    Ok(())
}

/// The write of [`record_stream_failure`].
struct FailStream<'a> {
    source_id: &'a str,
    stream: &'a str,
    error_code: &'a str,
    message: &'a str,
    now: i64,
}

impl WriteOp for FailStream<'_> {
    type Output = ();
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), SyncError> {
        repo::sync_cursors::fail(
            w.conn(),
            self.source_id,
            self.stream,
            self.error_code,
            self.message,
            self.now,
        )
        .await?;
        w.changed(ChangeKind::SyncRuns);
        Ok(())
    }
}

/// What a source synced of one repository under other names or ids, to make its own (see
/// `connectors::github::adopt`).
#[derive(Debug, Clone, PartialEq)]
pub struct Adoption {
    pub source_id: String,
    /// (old, new) id prefixes: items whose id starts with an old one take the new one instead,
    /// with their changes, links, decisions and keys (`gh:github.com/acme/web#` →
    /// `gh:github.com/134018330#`).
    pub item_prefixes: Vec<(String, String)>,
    /// The prefix of the repository's item ids now (`gh:github.com/134018330#`).
    pub id_prefix: String,
    /// How keys are qualified into references (`gh:github.com/`).
    pub ref_prefix: String,
    /// Names the repository had (`acme/web`): its streams move to the current name, and its
    /// items' keys and URLs follow it (the old keys still name them).
    pub old_names: Vec<String>,
    pub current_name: String,
    /// The stream whose cursor remembers the current name.
    pub memo_stream: String,
}

/// Makes what a source synced under other names its own ([`Adoption`]). Returns how many items
/// were renamed (re-keyed or given the new name).
pub async fn adopt_renamed(
    ws: &Workspace,
    adoption: &Adoption,
    now: i64,
) -> Result<u64, SyncError> {
    let (renamed, _) = ws.write(Adopt { adoption, now }).await?;
    Ok(renamed)
}

/// The write of [`adopt_renamed`].
struct Adopt<'a> {
    adoption: &'a Adoption,
    now: i64,
}

impl WriteOp for Adopt<'_> {
    type Output = u64;
    type Error = SyncError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<u64, SyncError> {
        let a = self.adoption;
        // Ids change in several tables at once: foreign keys are checked at commit.
        sqlx::query!("PRAGMA defer_foreign_keys = ON")
            .execute(w.conn())
            .await?;
        let mut renamed = 0;
        for (from, to) in &a.item_prefixes {
            if from != to {
                renamed += repo::items::rekey(w.conn(), from, to).await?;
            }
        }
        for old in &a.old_names {
            repo::sync_cursors::rename_target(w.conn(), &a.source_id, old, &a.current_name).await?;
            renamed += repo::items::rename_keys(
                w.conn(),
                &a.id_prefix,
                &a.ref_prefix,
                old,
                &a.current_name,
            )
            .await?;
        }
        repo::sync_cursors::put(
            w.conn(),
            &a.source_id,
            &a.memo_stream,
            &Cursor {
                watermark: Some(a.current_name.clone()),
                ..Cursor::default()
            },
            self.now,
        )
        .await?;
        if renamed > 0 {
            w.changed(ChangeKind::Items);
            w.all_items_changed();
        }
        w.changed(ChangeKind::SyncRuns);
        Ok(renamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::TransitionKind;

    fn change(item: &str, event: &str) -> Transition {
        Transition {
            item_id: item.into(),
            event_id: event.into(),
            kind: TransitionKind::Label,
            from_state: None,
            to_state: "bug".into(),
            at: 1,
            actor_id: None,
        }
    }

    fn seen(login: &str, name: &str, email: Option<&str>) -> SeenPerson {
        SeenPerson {
            login: login.into(),
            display_name: name.into(),
            is_bot: false,
            email: email.map(str::to_owned),
        }
    }

    #[test]
    fn pages_overlap_when_one_writes_an_item_the_other_names() {
        let mut events = PageWrite::new("events:a/b");
        events.transitions.push(change("gh:x/1#1", "e1"));
        let mut more_events = PageWrite::new("events:a/b");
        more_events.transitions.push(change("gh:x/1#1", "e2"));
        assert!(
            !events.overlaps(&more_events),
            "two pages adding changes to one item are written as one after the other"
        );
        let mut history = PageWrite::new("pulls:a/b");
        history.lifecycles.push("gh:x/1#1".into());
        assert!(
            events.overlaps(&history) && history.overlaps(&events),
            "a page replacing an item's history and a page naming it, in either order"
        );
        let mut keyed = PageWrite::new("issues:a/b");
        keyed.keys.push(("gh:x/a/b#7".into(), "gh:x/1#7".into()));
        let mut linking = PageWrite::new("issues:a/b");
        linking.links.push(Link {
            from_item_id: "gh:x/1#2".into(),
            to_item_id: "gh:x/a/b#7".into(),
            kind: crate::graph::model::LinkKind::Relates,
            origin: crate::graph::model::LinkOrigin::Source,
            confidence: 1.0,
            created_at: 1,
            removed_at: None,
            found_in: None,
        });
        assert!(
            keyed.overlaps(&linking),
            "a link naming an item by a key the earlier page writes"
        );
        let mut raw = PageWrite::new("events:a/b");
        raw.raw.push(RawRecord {
            source_id: "s".into(),
            stream: "events".into(),
            external_id: "9".into(),
            payload: "{}".into(),
            fetched_at: 1,
        });
        assert!(raw.overlaps(&raw.clone()), "a raw record met twice");
    }

    #[test]
    fn an_absorbed_page_keeps_its_numbering_cursor_and_latest_people() {
        let mut first = PageWrite::new("events:a/b");
        first.transitions = vec![change("gh:x/1#1", "e1"), change("gh:x/1#2", "e2")];
        first.people = vec![seen("ann", "Ann", Some("ann@example.com"))];
        first.cursor = Some(Cursor {
            page_token: Some("2".into()),
            ..Cursor::default()
        });
        let mut second = PageWrite::new("events:a/b");
        second.transitions = vec![change("gh:x/1#3", "e3")];
        second.people = vec![seen("ann", "Ann B.", None), seen("bo", "Bo", None)];
        second.cursor = Some(Cursor {
            page_token: Some("3".into()),
            ..Cursor::default()
        });
        let mut third = PageWrite::new("events:a/b");
        third.transitions = vec![change("gh:x/1#4", "e4")];
        second.absorb(third);
        first.absorb(second);
        assert_eq!(first.transitions.len(), 4);
        assert_eq!(
            first.absorbed_at,
            vec![2, 3],
            "where each page's changes start"
        );
        assert_eq!(
            first.cursor.as_ref().and_then(|c| c.page_token.as_deref()),
            Some("3"),
            "the cursor after the last page"
        );
        assert_eq!(
            first.people,
            vec![
                seen("ann", "Ann B.", Some("ann@example.com")),
                seen("bo", "Bo", None)
            ],
            "a person met twice: the later name, the address seen before"
        );
    }
}

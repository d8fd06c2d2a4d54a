//! One person across sources. A login on GitHub and an account on Jira that belong to the same
//! human are one person in every count (authored, owned, reviewed, asked for): their identities
//! point at one `people` row, and the items, changes and intents that named either name it.
//!
//! - **Matching.** Two people are the same when an identity of each shows the same e-mail
//!   address (Jira shows it when the account allows; a GitHub `…+login@users.noreply.github.com`
//!   address names its login), or the same name once case, spaces and punctuation are dropped
//!   ("Ada Lovelace" on Jira, `ada-lovelace` on GitHub). A name shared by more than two people,
//!   or by two accounts of one source, matches nobody. Bots are never matched.
//! - **Automatically** (after every sync that wrote pages) only the strong matches are merged: an
//!   e-mail address, or a full name of at least two words and six letters. The others are
//!   suggested in Settings → People, where the user merges or keeps them apart.
//! - **By hand**: any two people can be merged, and a person can be split back into one person
//!   per identity. A split is remembered (`person_splits`): automatic matching never merges those
//!   identities again, and no sync overwrites either decision (a sync names people through their
//!   identities).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::SqliteConnection;

use crate::error::{CoreError, CoreResult};
use crate::graph::{ChangeKind, Workspace, WriteOp, Writer};
use crate::ingest::write::person_id;

/// One identity of a person: a login on a source and what the source says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    pub source_id: String,
    pub source_name: String,
    /// `github`, `jira`, `linear`.
    pub source_kind: String,
    pub login: String,
    /// The name the source shows (the login when it shows none).
    pub display_name: String,
    pub email: Option<String>,
    /// Split off by hand: never merged automatically again.
    pub kept_apart: bool,
}

/// A person with every identity and how many items name them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    pub id: String,
    pub display_name: String,
    pub team_id: Option<String>,
    pub is_bot: bool,
    pub identities: Vec<IdentityView>,
    /// Items the person authored, owns or asked for.
    pub items: u32,
}

/// Why two people look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// An identity of each shows the same e-mail address.
    Email,
    /// Their names are the same without case, spaces and punctuation.
    Name,
}

/// Two people that look like one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonMatch {
    /// The person kept when they are merged (the smaller id).
    pub keep_id: String,
    pub keep_name: String,
    pub other_id: String,
    pub other_name: String,
    pub reason: MatchReason,
    /// What they share: the address, or the name as compared.
    pub shared: String,
    /// Strong enough to be merged without asking (see the module's rules).
    pub automatic: bool,
}

/// Everyone, and who looks like whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PeopleView {
    pub people: Vec<PersonView>,
    pub matches: Vec<PersonMatch>,
}

/// A name as compared: lower case, letters and digits only (`Ada Lovelace` → `adalovelace`).
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The GitHub login a `12345+login@users.noreply.github.com` (or `login@users.noreply…`)
/// address names.
fn noreply_login(email: &str) -> Option<&str> {
    let local = email.strip_suffix("@users.noreply.github.com")?;
    Some(local.split_once('+').map_or(local, |(_, login)| login))
}

/// One identity as read for matching.
#[derive(Debug, Clone)]
struct Row {
    person_id: String,
    person_name: String,
    is_bot: bool,
    source_id: String,
    source_name: String,
    source_kind: String,
    login: String,
    display_name: Option<String>,
    email: Option<String>,
    kept_apart: bool,
}

async fn rows(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Row>> {
    let rows = sqlx::query!(
        r#"SELECT p.id AS "person_id!", p.display_name AS "person_name!", p.is_bot AS "is_bot: bool",
                  i.source_id AS "source_id!", s.name AS "source_name!", s.kind AS "source_kind!",
                  i.login AS "login!", i.display_name, i.email,
                  (k.login IS NOT NULL) AS "kept_apart!: bool"
           FROM identities i
           JOIN people p ON p.id = i.person_id
           JOIN sources s ON s.id = i.source_id
           LEFT JOIN person_splits k ON k.source_id = i.source_id AND k.login = i.login
           ORDER BY p.id, s.name, i.login"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Row {
            person_id: r.person_id,
            person_name: r.person_name,
            is_bot: r.is_bot,
            source_id: r.source_id,
            source_name: r.source_name,
            source_kind: r.source_kind,
            login: r.login,
            display_name: r.display_name,
            email: r.email,
            kept_apart: r.kept_apart,
        })
        .collect())
}

/// The keys an identity is matched by: (reason, key, strong).
fn keys_of(row: &Row) -> Vec<(MatchReason, String, bool)> {
    let mut keys = Vec::new();
    if let Some(email) = row.email.as_deref().map(str::to_lowercase) {
        if let Some(login) = noreply_login(&email) {
            keys.push((MatchReason::Email, format!("github:{}", login), true));
        } else if email.contains('@') {
            keys.push((MatchReason::Email, email.clone(), true));
        }
    }
    if row.source_kind == "github" {
        // A GitHub login is what its noreply address names, and a name people choose.
        keys.push((
            MatchReason::Email,
            format!("github:{}", row.login.to_lowercase()),
            true,
        ));
        let key = name_key(&row.login);
        if key.len() >= 3 {
            keys.push((MatchReason::Name, key, false));
        }
    }
    if let Some(name) = row.display_name.as_deref() {
        let key = name_key(name);
        // A full name (two words or more, six letters or more) is strong enough to merge
        // without asking.
        let strong = name.split_whitespace().count() >= 2 && key.chars().count() >= 6;
        if key.chars().count() >= 3 {
            keys.push((MatchReason::Name, key, strong));
        }
    }
    keys
}

/// Who looks like whom, strongest reason first; pairs split by hand are left out.
fn find_matches(rows: &[Row]) -> Vec<PersonMatch> {
    // key → person → whether a strong name gave it
    let mut by_key: BTreeMap<(MatchReason, String), BTreeMap<String, bool>> = BTreeMap::new();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    let mut sources_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    // Which of two matched people is kept: the one with a code-host account (its login is
    // stable and readable; a tracker's account id is not), then the smaller id, so the choice
    // never depends on the order sources were added in.
    let mut rank_of: BTreeMap<&str, u8> = BTreeMap::new();
    for row in rows {
        let rank = match row.source_kind.as_str() {
            "github" => 0,
            "gitlab" => 1,
            _ => 2,
        };
        let r = rank_of.entry(row.person_id.as_str()).or_insert(rank);
        *r = (*r).min(rank);
        names.insert(&row.person_id, &row.person_name);
        sources_of
            .entry(&row.person_id)
            .or_default()
            .insert(&row.source_id);
        if row.is_bot || row.kept_apart {
            continue;
        }
        for (reason, key, strong) in keys_of(row) {
            *by_key
                .entry((reason, key))
                .or_default()
                .entry(row.person_id.clone())
                .or_default() |= strong;
        }
    }
    let mut found: BTreeMap<(String, String), PersonMatch> = BTreeMap::new();
    for ((reason, key), people) in by_key {
        // Exactly two people share it; more is a common name, not a person.
        if people.len() != 2 {
            continue;
        }
        let mut it = people.into_iter();
        let (Some((mut a, strong_a)), Some((mut b, strong_b))) = (it.next(), it.next()) else {
            continue;
        };
        let rank = |p: &str| rank_of.get(p).copied().unwrap_or(u8::MAX);
        if (rank(&b), &b) < (rank(&a), &a) {
            std::mem::swap(&mut a, &mut b);
        }
        // Two accounts of one source are two accounts, whatever their names.
        let shares_a_source = sources_of
            .get(a.as_str())
            .zip(sources_of.get(b.as_str()))
            .is_some_and(|(x, y)| !x.is_disjoint(y));
        if shares_a_source {
            continue;
        }
        let automatic = match reason {
            MatchReason::Email => true,
            MatchReason::Name => strong_a || strong_b,
        };
        let candidate = PersonMatch {
            keep_name: names.get(a.as_str()).copied().unwrap_or("").to_owned(),
            other_name: names.get(b.as_str()).copied().unwrap_or("").to_owned(),
            keep_id: a.clone(),
            other_id: b.clone(),
            reason,
            shared: key.strip_prefix("github:").unwrap_or(&key).to_owned(),
            automatic,
        };
        let slot = found.entry((a, b)).or_insert_with(|| candidate.clone());
        if (candidate.reason, !candidate.automatic) < (slot.reason, !slot.automatic) {
            *slot = candidate;
        }
    }
    found.into_values().collect()
}

/// Everyone with their identities and item counts, and the matches not merged yet.
pub async fn people_list(ws: &Workspace) -> CoreResult<PeopleView> {
    let mut conn = ws.pool().acquire().await?;
    let rows = rows(&mut conn).await?;
    let counts: BTreeMap<String, i64> = sqlx::query!(
        r#"SELECT person AS "person!", COUNT(DISTINCT id) AS "n!: i64" FROM (
               SELECT author_id AS person, id FROM items WHERE author_id IS NOT NULL
               UNION ALL SELECT owner_id, id FROM items WHERE owner_id IS NOT NULL
               UNION ALL SELECT requester_id, id FROM items WHERE requester_id IS NOT NULL)
           GROUP BY person"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.person, r.n))
    .collect();
    let people_rows = sqlx::query!(
        r#"SELECT id AS "id!", display_name, team_id, is_bot AS "is_bot: bool" FROM people ORDER BY display_name COLLATE NOCASE, id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut identities: BTreeMap<String, Vec<IdentityView>> = BTreeMap::new();
    for r in &rows {
        identities
            .entry(r.person_id.clone())
            .or_default()
            .push(IdentityView {
                source_id: r.source_id.clone(),
                source_name: r.source_name.clone(),
                source_kind: r.source_kind.clone(),
                login: r.login.clone(),
                display_name: r
                    .display_name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| r.login.clone()),
                email: r.email.clone(),
                kept_apart: r.kept_apart,
            });
    }
    let people = people_rows
        .into_iter()
        .map(|p| PersonView {
            items: counts
                .get(&p.id)
                .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
            identities: identities.remove(&p.id).unwrap_or_default(),
            id: p.id,
            display_name: p.display_name,
            team_id: p.team_id,
            is_bot: p.is_bot,
        })
        .collect();
    Ok(PeopleView {
        people,
        matches: find_matches(&rows),
    })
}

/// Merges the strong matches (see the module); returns how many people were merged away.
pub async fn match_automatically(ws: &Workspace) -> CoreResult<u32> {
    let (merged, _) = ws.write(MatchAutomatically).await?;
    Ok(merged)
}

struct MatchAutomatically;

impl WriteOp for MatchAutomatically {
    type Output = u32;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<u32> {
        let mut merged = 0;
        // One merge can make another pair share a source (or change who is kept): match again
        // after each.
        loop {
            let rows = rows(w.conn()).await?;
            let Some(next) = find_matches(&rows).into_iter().find(|m| m.automatic) else {
                break;
            };
            merge_rows(w, &next.keep_id, &next.other_id).await?;
            tracing::info!(keep = %next.keep_id, other = %next.other_id, reason = ?next.reason, "people matched across sources");
            merged += 1;
        }
        Ok(merged)
    }
}

/// Merges person `other` into `keep`, by hand: every identity, item, change and intent that
/// named `other` names `keep`; the identities are no longer kept apart.
pub async fn people_merge(ws: &Workspace, keep: &str, other: &str) -> CoreResult<()> {
    if keep == other {
        return Err(CoreError::Invalid(
            "choose two different people to merge".into(),
        ));
    }
    ws.write(Merge { keep, other }).await?;
    Ok(())
}

struct Merge<'a> {
    keep: &'a str,
    other: &'a str,
}

impl WriteOp for Merge<'_> {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<()> {
        for id in [self.keep, self.other] {
            if crate::graph::repo::people::get(w.conn(), id)
                .await?
                .is_none()
            {
                return Err(CoreError::NotFound(format!("the person {id}")));
            }
        }
        sqlx::query!(
            "DELETE FROM person_splits WHERE (source_id, login) IN
                 (SELECT source_id, login FROM identities WHERE person_id IN (?1, ?2))",
            self.keep,
            self.other
        )
        .execute(w.conn())
        .await?;
        merge_rows(w, self.keep, self.other).await
    }
}

/// Re-points everything that names `other` at `keep`, then removes `other`.
async fn merge_rows(w: &mut Writer<'_>, keep: &str, other: &str) -> CoreResult<()> {
    let mut touched: Vec<String> = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM items WHERE author_id = ?1 OR owner_id = ?1 OR requester_id = ?1
           UNION SELECT item_id FROM transitions WHERE actor_id = ?1"#,
        other
    )
    .fetch_all(w.conn())
    .await?;
    touched.extend(
        sqlx::query_scalar::<_, String>(
            "SELECT item_id FROM review_requests WHERE person_id = ?1 OR requested_by = ?1",
        )
        .bind(other)
        .fetch_all(w.conn())
        .await?,
    );
    let conn = w.conn();
    sqlx::query!(
        "UPDATE identities SET person_id = ?1 WHERE person_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE items SET author_id = ?1 WHERE author_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE items SET owner_id = ?1 WHERE owner_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE items SET requester_id = ?1 WHERE requester_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE transitions SET actor_id = ?1 WHERE actor_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE intents SET owner_id = ?1 WHERE owner_id = ?2",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    // Reviews still asked of (or by) either are asked of (or by) the one person.
    for column in ["person_id", "requested_by"] {
        sqlx::query(&format!(
            "UPDATE review_requests SET {column} = ?1 WHERE {column} = ?2"
        ))
        .bind(keep)
        .bind(other)
        .execute(&mut *conn)
        .await?;
    }
    // The kept person keeps their team, or takes the other's.
    sqlx::query!(
        "UPDATE people SET team_id = COALESCE(team_id, (SELECT team_id FROM people WHERE id = ?2)) WHERE id = ?1",
        keep,
        other
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM people WHERE id = ?", other)
        .execute(&mut *conn)
        .await?;
    w.changed(ChangeKind::People);
    w.items_changed(touched);
    Ok(())
}

/// Splits a person back into one person per identity, by hand: each identity gets the person it
/// had before any merge (`<source>:<login>`), and the items, changes and intents of a source
/// name that identity's person when the person had one identity there (a person with two logins
/// on one source keeps that source's items until its next sync names them). The identities are
/// kept apart from then on. Returns the people it made.
pub async fn people_split(ws: &Workspace, person: &str) -> CoreResult<Vec<String>> {
    let (made, _) = ws.write(Split { person }).await?;
    Ok(made)
}

struct Split<'a> {
    person: &'a str,
}

impl WriteOp for Split<'_> {
    type Output = Vec<String>;
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> CoreResult<Vec<String>> {
        let Some(person) = crate::graph::repo::people::get(w.conn(), self.person).await? else {
            return Err(CoreError::NotFound(format!("the person {}", self.person)));
        };
        let identities = sqlx::query!(
            r#"SELECT source_id AS "source_id!", login AS "login!", display_name FROM identities WHERE person_id = ? ORDER BY source_id, login"#,
            self.person
        )
        .fetch_all(w.conn())
        .await?;
        if identities.len() < 2 {
            return Err(CoreError::Invalid(format!(
                "{} has only one identity: there is nothing to split",
                person.display_name
            )));
        }
        let mut per_source: BTreeMap<&str, u32> = BTreeMap::new();
        for i in &identities {
            *per_source.entry(i.source_id.as_str()).or_default() += 1;
        }
        let now = crate::time::now_ms();
        let mut made = Vec::new();
        let mut touched: Vec<String> = Vec::new();
        for i in &identities {
            let own = person_id(&i.source_id, &i.login);
            sqlx::query!(
                "INSERT INTO person_splits (source_id, login, split_at) VALUES (?, ?, ?)
                 ON CONFLICT (source_id, login) DO UPDATE SET split_at = excluded.split_at",
                i.source_id,
                i.login,
                now
            )
            .execute(w.conn())
            .await?;
            if own == self.person {
                continue;
            }
            let name = i
                .display_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| i.login.clone());
            sqlx::query!(
                "INSERT INTO people (id, display_name, team_id, is_bot) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO NOTHING",
                own,
                name,
                person.team_id,
                person.is_bot
            )
            .execute(w.conn())
            .await?;
            sqlx::query!(
                "UPDATE identities SET person_id = ?1 WHERE source_id = ?2 AND login = ?3",
                own,
                i.source_id,
                i.login
            )
            .execute(w.conn())
            .await?;
            made.push(own.clone());
            if per_source.get(i.source_id.as_str()) != Some(&1) {
                continue;
            }
            let moved: Vec<String> = sqlx::query_scalar!(
                r#"SELECT id AS "id!" FROM items WHERE source_id = ?2 AND (author_id = ?1 OR owner_id = ?1 OR requester_id = ?1)
                   UNION SELECT t.item_id FROM transitions t JOIN items it ON it.id = t.item_id WHERE it.source_id = ?2 AND t.actor_id = ?1"#,
                self.person,
                i.source_id
            )
            .fetch_all(w.conn())
            .await?;
            sqlx::query!(
                "UPDATE items SET author_id = CASE WHEN author_id = ?1 THEN ?3 ELSE author_id END,
                                  owner_id = CASE WHEN owner_id = ?1 THEN ?3 ELSE owner_id END,
                                  requester_id = CASE WHEN requester_id = ?1 THEN ?3 ELSE requester_id END
                 WHERE source_id = ?2 AND (author_id = ?1 OR owner_id = ?1 OR requester_id = ?1)",
                self.person,
                i.source_id,
                own
            )
            .execute(w.conn())
            .await?;
            sqlx::query!(
                "UPDATE transitions SET actor_id = ?3
                 WHERE actor_id = ?1 AND item_id IN (SELECT id FROM items WHERE source_id = ?2)",
                self.person,
                i.source_id,
                own
            )
            .execute(w.conn())
            .await?;
            for column in ["person_id", "requested_by"] {
                sqlx::query(&format!(
                    "UPDATE review_requests SET {column} = ?3
                     WHERE {column} = ?1 AND item_id IN (SELECT id FROM items WHERE source_id = ?2)"
                ))
                .bind(self.person)
                .bind(&i.source_id)
                .bind(&own)
                .execute(w.conn())
                .await?;
            }
            touched.extend(moved);
        }
        w.changed(ChangeKind::People);
        w.items_changed(touched);
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(person: &str, source: &str, kind: &str, login: &str, name: Option<&str>) -> Row {
        Row {
            person_id: person.into(),
            person_name: name.unwrap_or(login).into(),
            is_bot: false,
            source_id: source.into(),
            source_name: source.into(),
            source_kind: kind.into(),
            login: login.into(),
            display_name: name.map(str::to_owned),
            email: None,
            kept_apart: false,
        }
    }

    #[test]
    fn names_and_addresses_match_people_across_sources() {
        let mut jira_ada = row("jira:a1", "jira", "jira", "a1", Some("Ada Lovelace"));
        jira_ada.email = Some("ada@acme.com".into());
        let rows = vec![
            row(
                "gh:ada-lovelace",
                "gh",
                "github",
                "ada-lovelace",
                Some("ada-lovelace"),
            ),
            jira_ada,
            row("gh:bob", "gh", "github", "bob", Some("bob")),
            row("jira:b1", "jira", "jira", "b1", Some("Bob")),
            // Two Jira accounts named Sam: nobody is matched by that name.
            row("gh:sam", "gh", "github", "sam", Some("sam")),
            row("jira:s1", "jira", "jira", "s1", Some("Sam")),
            row("jira:s2", "jira", "jira", "s2", Some("Sam")),
        ];
        let found: Vec<(String, String, MatchReason, bool)> = find_matches(&rows)
            .into_iter()
            .map(|m| (m.keep_id, m.other_id, m.reason, m.automatic))
            .collect();
        assert_eq!(
            found,
            vec![
                ("gh:ada-lovelace".into(), "jira:a1".into(), MatchReason::Name, true),
                ("gh:bob".into(), "jira:b1".into(), MatchReason::Name, false),
            ],
            "a full name merges by itself, a first name is only suggested, a name three people share matches nobody"
        );
    }

    #[test]
    fn a_noreply_address_names_its_github_login_and_splits_are_respected() {
        let mut jira = row("jira:x", "jira", "jira", "x", Some("X"));
        jira.email = Some("4242+octo-cat@users.noreply.github.com".into());
        let gh = row("gh:octo-cat", "gh", "github", "octo-cat", None);
        let found = find_matches(&[gh.clone(), jira.clone()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, MatchReason::Email);
        assert!(found[0].automatic, "an address is strong");
        let mut apart = jira;
        apart.kept_apart = true;
        assert!(
            find_matches(&[gh, apart]).is_empty(),
            "an identity split by hand is never matched again"
        );
    }

    #[test]
    fn names_compare_without_case_spaces_or_punctuation() {
        assert_eq!(name_key("Ada  Lovelace"), "adalovelace");
        assert_eq!(name_key("ada-lovelace"), "adalovelace");
        assert_eq!(name_key("José Núñez"), "josénúñez");
    }
}

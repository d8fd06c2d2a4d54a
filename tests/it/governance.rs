//! Governance followed item by item: the violations a workspace keeps between questions, after
//! random sync pages, links, reviews, team moves, decisions and time passing, are those of a
//! whole evaluation of the same index; an edited policy set is evaluated whole.

use baton_core::demo;
use baton_core::flow::Mapping;
use baton_core::governance::current::{self, Evaluation};
use baton_core::governance::{self, Rule};
use baton_core::graph::model::{Link, LinkKind, LinkOrigin, Transition, TransitionKind};
use baton_core::graph::{repo, Workspace, WriteOp, Writer};
use baton_core::CoreError;

use crate::sync_support::NOW;

/// A small deterministic random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random change as a sync would write it.
enum Change {
    /// Items moved to another state of their source (flow state and wait reason with it).
    Move(Vec<String>),
    /// `from` blocks `to` from now on.
    Block(String, String),
    /// A pull request approved by a person.
    Review(String, String),
    /// An item moved to another team.
    Team(String, String),
}

struct Apply(Change, i64);

impl WriteOp for Apply {
    type Output = ();
    type Error = CoreError;

    async fn apply(self, w: &mut Writer<'_>) -> Result<(), CoreError> {
        let at = self.1;
        match self.0 {
            Change::Move(ids) => {
                let mut changes = Vec::new();
                for (k, id) in ids.iter().enumerate() {
                    let (from, target): (String, Option<String>) = sqlx::query_as(
                        "SELECT i.raw_state, (SELECT o.raw_state FROM items o WHERE o.source_id = i.source_id
                           AND o.raw_state <> i.raw_state ORDER BY o.rowid LIMIT 1 OFFSET ?2)
                         FROM items i WHERE i.id = ?1",
                    )
                    .bind(id)
                    .bind((k * 37 % 200) as i64)
                    .fetch_one(&mut *w.conn())
                    .await?;
                    let Some(to) = target else { continue };
                    sqlx::query(
                        "UPDATE items SET (raw_state, flow_state, wait_reason) = (SELECT o.raw_state,
                           o.flow_state, o.wait_reason FROM items o WHERE o.raw_state = ?2 AND
                           o.source_id = items.source_id LIMIT 1), updated_at = MAX(updated_at + 1, ?3)
                         WHERE id = ?1",
                    )
                    .bind(id)
                    .bind(&to)
                    .bind(at)
                    .execute(&mut *w.conn())
                    .await?;
                    changes.push(Transition {
                        item_id: id.clone(),
                        event_id: format!("moved-{at}-{k}"),
                        kind: TransitionKind::State,
                        from_state: Some(from),
                        to_state: to,
                        at,
                        actor_id: None,
                    });
                }
                repo::transitions::insert_many(w.conn(), &changes).await?;
                w.items_changed(ids);
            }
            Change::Block(from, to) => {
                repo::links::upsert_manual(
                    w.conn(),
                    &Link {
                        from_item_id: from.clone(),
                        to_item_id: to.clone(),
                        kind: LinkKind::Blocks,
                        origin: LinkOrigin::Manual,
                        confidence: 1.0,
                        created_at: at,
                        removed_at: None,
                        found_in: None,
                    },
                )
                .await?;
                w.items_changed([from, to]);
            }
            Change::Review(pr, person) => {
                repo::transitions::insert_many(
                    w.conn(),
                    &[Transition {
                        item_id: pr.clone(),
                        event_id: format!("review-{at}"),
                        kind: TransitionKind::Review,
                        from_state: None,
                        to_state: "approved".into(),
                        at,
                        actor_id: Some(person),
                    }],
                )
                .await?;
                sqlx::query("UPDATE items SET updated_at = MAX(updated_at + 1, ?2) WHERE id = ?1")
                    .bind(&pr)
                    .bind(at)
                    .execute(&mut *w.conn())
                    .await?;
                w.items_changed([pr]);
            }
            Change::Team(id, team) => {
                sqlx::query("UPDATE items SET team_id = ?2, updated_at = MAX(updated_at + 1, ?3) WHERE id = ?1")
                    .bind(&id)
                    .bind(&team)
                    .bind(at)
                    .execute(&mut *w.conn())
                    .await?;
                w.items_changed([id]);
            }
        }
        Ok(())
    }
}

async fn ids(ws: &Workspace, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(ws.pool()).await.unwrap()
}

/// The workspace's violations now, followed, and a whole evaluation of the same index: the
/// Governance page's report from each.
async fn followed_and_whole(
    ws: &Workspace,
    now: i64,
) -> (
    Evaluation,
    governance::GovernanceReport,
    governance::GovernanceReport,
) {
    let ix = ws.index().await.unwrap();
    let rows = repo::workflow_maps::list(ws.pool()).await.unwrap();
    let mapping = Mapping::build(&ix, &rows);
    let set = governance::load(ws).await.unwrap();
    let (kept, how) = current::followed(ws, &ix, &mapping, &rows, &set, now)
        .await
        .unwrap();
    let overlay = baton_core::decisions::overlay(ws).await.unwrap();
    let followed = governance::report_of(&ix, &set, &kept, Some(&overlay));
    let whole = governance::report(&ix, &mapping, &set, Some(&overlay), now).unwrap();
    let mut a: Vec<_> = kept.breaches().copied().collect();
    let mut b = governance::breaches(&ix, &mapping, &set, now).unwrap();
    let order = |x: &governance::eval::Breach| (x.item, x.policy, x.since, x.current, x.figure);
    a.sort_by_key(order);
    b.sort_by_key(order);
    if a != b {
        let only_kept: Vec<_> = a.iter().filter(|x| !b.contains(x)).take(5).collect();
        let only_whole: Vec<_> = b.iter().filter(|x| !a.contains(x)).take(5).collect();
        panic!(
            "the breaches kept are a whole evaluation's: kept only {only_kept:?}, whole only {only_whole:?}"
        );
    }
    (how, followed, whole)
}

#[tokio::test]
async fn violations_followed_through_random_changes_equal_a_whole_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.baton");
    let ws = demo::build(
        &path,
        &demo::DemoOptions {
            items: 3_000,
            seed: demo::DEFAULT_SEED,
            end: NOW,
        },
    )
    .await
    .unwrap();
    let mut now = NOW + 3_600_000;
    let (how, followed, whole) = followed_and_whole(&ws, now).await;
    assert_eq!(how, Evaluation::Whole, "nothing was kept before");
    assert_eq!(followed, whole);
    let first = whole.clone();
    assert!(first.total > 0, "the demo breaks policies");
    let open = ids(
        &ws,
        "SELECT id FROM items WHERE flow_state NOT IN ('done', 'canceled') ORDER BY id",
    )
    .await;
    let prs = ids(
        &ws,
        "SELECT id FROM items WHERE kind = 'pull_request' ORDER BY id",
    )
    .await;
    let all = ids(&ws, "SELECT id FROM items ORDER BY id").await;
    let people = ids(
        &ws,
        "SELECT id FROM people WHERE id IN (SELECT actor_id FROM transitions) ORDER BY id",
    )
    .await;
    let teams = ids(&ws, "SELECT id FROM teams ORDER BY id").await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut followed_rounds = 0;
    for round in 0..12 {
        let at = now + 60_000;
        let change = match rng.below(5) {
            0 => Change::Move(
                (0..1 + rng.below(40))
                    .map(|_| open[rng.below(open.len())].clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            ),
            1 => Change::Block(
                all[rng.below(all.len())].clone(),
                open[rng.below(open.len())].clone(),
            ),
            2 => Change::Review(
                prs[rng.below(prs.len())].clone(),
                people[rng.below(people.len())].clone(),
            ),
            3 => Change::Team(
                open[rng.below(open.len())].clone(),
                teams[rng.below(teams.len())].clone(),
            ),
            _ => {
                // A decision: no policy reads it.
                baton_core::decisions::record(
                    &ws,
                    baton_core::decisions::NewDecision {
                        item_id: all[rng.below(all.len())].clone(),
                        input: baton_core::decisions::DecisionInput::Note {
                            text: format!("round {round}"),
                        },
                        actor: "ann".into(),
                        why: String::new(),
                        reasons: Vec::new(),
                        seen_updated_at: None,
                        seen_changes: None,
                        now: at,
                    },
                )
                .await
                .unwrap();
                now = at + rng.below(3) as i64 * 86_400_000;
                let (how, followed, whole) = followed_and_whole(&ws, now).await;
                assert!(
                    matches!(how, Evaluation::Followed { .. }),
                    "a decision is followed, not evaluated whole ({how:?})"
                );
                assert_eq!(followed, whole, "round {round}: after a decision");
                continue;
            }
        };
        ws.write(Apply(change, at)).await.unwrap();
        // Time passes too: clocks run out, finished items' breaches age.
        now = at + rng.below(3) as i64 * 86_400_000 + rng.below(10) as i64 * 3_600_000;
        let (how, followed, whole) = followed_and_whole(&ws, now).await;
        if let Evaluation::Followed { items } = how {
            assert!(items < 3_000, "round {round}: only some items again");
            followed_rounds += 1;
        }
        assert_eq!(
            followed, whole,
            "round {round}: followed item by item, the violations are a whole evaluation's"
        );
    }
    assert!(
        followed_rounds >= 8,
        "the changes were followed item by item ({followed_rounds} of the rounds)"
    );
    let (_, _, last) = followed_and_whole(&ws, now).await;
    assert_ne!(first, last, "the changes moved the violations");

    // The Governance page answers from the kept copy; an edited policy set is evaluated whole.
    let page = governance::governance_report(&ws, now).await.unwrap();
    assert_eq!(page.total, last.total);
    let mut set = governance::load(&ws).await.unwrap();
    let wip = set
        .policies
        .iter_mut()
        .find(|p| matches!(p.rule, Rule::WipLimit { .. }))
        .unwrap();
    wip.enabled = !wip.enabled;
    governance::save(&ws, set, now).await.unwrap();
    let (how, followed, whole) = followed_and_whole(&ws, now).await;
    assert_eq!(how, Evaluation::Whole, "a policy changed: everything again");
    assert_eq!(followed, whole);
    ws.close().await;
}

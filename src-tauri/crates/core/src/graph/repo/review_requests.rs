//! Reviews asked for and not answered yet (`review_requests`): what a pull request's timeline
//! says is still pending, replaced whole each time the item's lifecycle is read.

use sqlx::SqliteConnection;

/// A review asked of a person or a team and not given yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRequest {
    pub item_id: String,
    /// The login asked (lower case), or `team:<slug>` for a team.
    pub reviewer: String,
    /// The person asked (None for a team).
    pub person_id: Option<String>,
    /// When it was asked (the latest request to that reviewer), ms.
    pub requested_at: i64,
    /// Who asked (a person id).
    pub requested_by: Option<String>,
}

impl ReviewRequest {
    /// The team slug asked, when a team was.
    pub fn team_slug(&self) -> Option<&str> {
        self.reviewer.strip_prefix(TEAM_PREFIX)
    }
}

/// How a team reviewer is written: `team:<slug>`.
pub const TEAM_PREFIX: &str = "team:";

/// Replaces the pending requests of `items` with `rows` (each item's rows are the ones naming
/// it; an item without rows has none left).
pub async fn replace(
    conn: &mut SqliteConnection,
    items: &[String],
    rows: &[ReviewRequest],
) -> sqlx::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    sqlx::query("DELETE FROM review_requests WHERE item_id IN (SELECT value FROM json_each(?1))")
        .bind(&json)
        .execute(&mut *conn)
        .await?;
    insert(conn, rows).await
}

/// Adds rows (an item and reviewer already stored is replaced).
pub async fn insert(conn: &mut SqliteConnection, rows: &[ReviewRequest]) -> sqlx::Result<()> {
    super::insert_batched(
        conn,
        "INSERT OR REPLACE INTO review_requests \
         (item_id, reviewer, person_id, requested_at, requested_by) ",
        5,
        "",
        rows,
        |b, r| {
            b.push_bind(r.item_id.as_str())
                .push_bind(r.reviewer.as_str())
                .push_bind(r.person_id.as_deref())
                .push_bind(r.requested_at)
                .push_bind(r.requested_by.as_deref());
        },
    )
    .await
    .map(|_| ())
}

/// A row as read: item, reviewer, person, requested at, requested by.
type RequestRow = (String, String, Option<String>, i64, Option<String>);

/// Every pending request, by item then reviewer.
pub async fn list<'e, E: sqlx::SqliteExecutor<'e>>(exec: E) -> sqlx::Result<Vec<ReviewRequest>> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT item_id, reviewer, person_id, requested_at, requested_by \
         FROM review_requests ORDER BY item_id, reviewer",
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(item_id, reviewer, person_id, requested_at, requested_by)| ReviewRequest {
                item_id,
                reviewer,
                person_id,
                requested_at,
                requested_by,
            },
        )
        .collect())
}

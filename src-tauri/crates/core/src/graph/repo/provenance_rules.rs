//! `provenance_rules`: how items made by AI coding agents and automation are recognised.

use sqlx::{Executor, Sqlite};

use crate::graph::model::Provenance;

/// One rule (see the migration for the meaning of each field).
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenanceRule {
    pub id: String,
    /// bot_login, co_author or label.
    pub signal: String,
    pub pattern: String,
    pub provenance: Provenance,
    pub agent: Option<String>,
    pub confidence: f64,
    pub builtin: bool,
}

/// Every rule.
pub async fn list(exec: impl Executor<'_, Database = Sqlite>) -> sqlx::Result<Vec<ProvenanceRule>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", signal, pattern, provenance, agent, confidence, builtin AS "builtin: bool"
           FROM provenance_rules ORDER BY confidence DESC, id"#
    )
    .fetch_all(exec)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ProvenanceRule {
            id: r.id,
            signal: r.signal,
            pattern: r.pattern,
            provenance: Provenance::parse(&r.provenance).unwrap_or(Provenance::Human),
            agent: r.agent,
            confidence: r.confidence,
            builtin: r.builtin,
        })
        .collect())
}

/// Inserts or replaces a rule.
pub async fn upsert(
    exec: impl Executor<'_, Database = Sqlite>,
    rule: &ProvenanceRule,
) -> sqlx::Result<()> {
    let provenance = rule.provenance.as_str();
    sqlx::query!(
        "INSERT INTO provenance_rules (id, signal, pattern, provenance, agent, confidence, builtin) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET signal = excluded.signal, pattern = excluded.pattern,
             provenance = excluded.provenance, agent = excluded.agent, confidence = excluded.confidence",
        rule.id,
        rule.signal,
        rule.pattern,
        provenance,
        rule.agent,
        rule.confidence,
        rule.builtin
    )
    .execute(exec)
    .await?;
    Ok(())
}

/// Deletes a rule.
pub async fn delete(exec: impl Executor<'_, Database = Sqlite>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!("DELETE FROM provenance_rules WHERE id = ?", id)
        .execute(exec)
        .await?;
    Ok(done.rows_affected() > 0)
}

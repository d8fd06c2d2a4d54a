//! Desktop notifications of the Triage worklist: off by default, chosen per reason in Settings.
//!
//! While a workspace is open, a task looks at the worklist after its writes settle (a sync, a
//! decision) and every quarter of an hour (time alone makes items cross thresholds). Items newly
//! listed for a chosen reason make one notification per reason ("3 AI pull requests have waited
//! more than 2 days for an independent review"). What is listed when the task starts, or when a
//! reason is first chosen, is taken as already seen: only news notify.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use baton_core::graph::{ChangeKind, Changes, Workspace};
use baton_core::triage::{self, Reason, Thresholds};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::state::AppState;

/// How long after a write the worklist is looked at (writes in a burst settle first).
const SETTLE: Duration = Duration::from_secs(3);
/// How often the worklist is looked at without writes.
const TICK: Duration = Duration::from_secs(15 * 60);

/// What was already seen, per reason.
#[derive(Debug, Default)]
pub struct Seen {
    by_reason: HashMap<Reason, HashSet<String>>,
}

impl Seen {
    /// The notifications for what `listed` holds that was not seen, for the `chosen` reasons,
    /// as (reason, how many newly listed); remembers it all. A reason seen for the first time
    /// notifies nothing (its current list is the starting point).
    pub fn news(
        &mut self,
        listed: &HashMap<Reason, Vec<String>>,
        chosen: &[Reason],
    ) -> Vec<(Reason, usize)> {
        let mut out = Vec::new();
        for reason in Reason::ALL {
            if !chosen.contains(&reason) {
                // Forgotten, so choosing it again starts from what is listed then.
                self.by_reason.remove(&reason);
                continue;
            }
            let now: HashSet<String> = listed
                .get(&reason)
                .map(|ids| ids.iter().cloned().collect())
                .unwrap_or_default();
            if let Some(before) = self.by_reason.get(&reason) {
                let new = now.difference(before).count();
                if new > 0 {
                    out.push((reason, new));
                }
            }
            self.by_reason.insert(reason, now);
        }
        out
    }
}

/// The notifications' sentences.
pub fn sentences(news: &[(Reason, usize)], thresholds: &Thresholds) -> Vec<String> {
    news.iter()
        .map(|(reason, n)| triage::notice_text(*reason, *n, thresholds))
        .collect()
}

fn worth_a_look(changes: &Changes) -> bool {
    changes.has(ChangeKind::Items)
        || changes.has(ChangeKind::Decisions)
        || changes.has(ChangeKind::Workflow)
}

async fn look<R: Runtime>(app: &AppHandle<R>, ws: &Workspace, seen: &mut Seen) {
    let chosen = app.state::<AppState>().settings_snapshot().triage.notify;
    if chosen.is_empty() {
        *seen = Seen::default();
        return;
    }
    match triage::listed_by_reason(ws, baton_core::time::now_ms()).await {
        Ok((listed, thresholds)) => {
            for text in sentences(&seen.news(&listed, &chosen), &thresholds) {
                tracing::info!(%text, "triage notification");
                if let Err(err) = app
                    .notification()
                    .builder()
                    .title("Baton — Triage")
                    .body(text)
                    .show()
                {
                    tracing::warn!(%err, "could not show a desktop notification");
                }
            }
        }
        Err(err) => tracing::warn!(code = err.code(), %err, "could not read the worklist"),
    }
}

/// Watches the open workspace for news of the worklist until it is closed.
pub async fn watch<R: Runtime>(
    app: AppHandle<R>,
    ws: Workspace,
    mut changes: broadcast::Receiver<Changes>,
) {
    let mut seen = Seen::default();
    look(&app, &ws, &mut seen).await;
    loop {
        let wake = tokio::select! {
            change = changes.recv() => match change {
                Ok(c) => worth_a_look(&c),
                Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => return,
            },
            _ = tokio::time::sleep(TICK) => true,
        };
        if !wake {
            continue;
        }
        tokio::time::sleep(SETTLE).await;
        // Writes of the same burst are part of this look.
        while let Ok(more) = changes.try_recv() {
            let _ = more;
        }
        look(&app, &ws, &mut seen).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(pairs: &[(Reason, &[&str])]) -> HashMap<Reason, Vec<String>> {
        pairs
            .iter()
            .map(|(r, ids)| (*r, ids.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn only_news_of_chosen_reasons_notify() {
        let mut seen = Seen::default();
        let chosen = [Reason::AiUnreviewed];
        let first = listed(&[
            (Reason::AiUnreviewed, &["a", "b"]),
            (Reason::AiIdle, &["x"]),
        ]);
        assert!(
            seen.news(&first, &chosen).is_empty(),
            "what is listed at the start is not news"
        );
        let second = listed(&[
            (Reason::AiUnreviewed, &["a", "b", "c", "d", "e"]),
            (Reason::AiIdle, &["x", "y"]),
        ]);
        assert_eq!(
            seen.news(&second, &chosen),
            vec![(Reason::AiUnreviewed, 3)],
            "three newly listed; the idle reason is not chosen"
        );
        assert!(seen.news(&second, &chosen).is_empty(), "said once");
        let third = listed(&[(Reason::AiUnreviewed, &["a"])]);
        assert!(
            seen.news(&third, &chosen).is_empty(),
            "items leaving the list are not news"
        );
        let fourth = listed(&[(Reason::AiUnreviewed, &["a", "b"])]);
        assert_eq!(
            seen.news(&fourth, &chosen),
            vec![(Reason::AiUnreviewed, 1)],
            "an item that comes back is news again"
        );
        let both = [Reason::AiUnreviewed, Reason::AiIdle];
        assert!(
            seen.news(&second, &both)
                .iter()
                .all(|(r, _)| *r == Reason::AiUnreviewed),
            "a newly chosen reason starts from its list"
        );
    }

    #[test]
    fn the_sentences_say_how_many_and_the_threshold() {
        let t = Thresholds::default();
        assert_eq!(
            sentences(&[(Reason::AiUnreviewed, 3)], &t),
            vec!["3 AI pull requests have waited more than 2 days for an independent review"]
        );
        assert_eq!(
            sentences(&[(Reason::AiIdle, 1)], &t),
            vec!["1 AI-made or automated item has been idle for more than 14 days"]
        );
    }
}

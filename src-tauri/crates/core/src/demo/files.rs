//! What the demo's pull requests touch, and who owns what, as GitHub sends them: each
//! repository's `CODEOWNERS` as the contents API answers it (base64), and each pull request's
//! `/pulls/{n}/files` records, both passed through the functions a real sync maps them with
//! ([`files::map_codeowners`], [`files::map_files`]).
//!
//! Every repository belongs to its team (`*`), and a few folders in it belong to others, as in
//! real organisations: database migrations to Data, the authentication client to Identity,
//! deployment files to Platform, the payments client to Payments, and the security policies
//! to Security. Most pull requests change their own team's code; some reach into those
//! folders (agents more often, and across several teams), and open ones that share a file
//! with an agent's overlap.

use base64::Engine as _;

use crate::connectors::github::files;
use crate::connectors::github::model::{ContentFile, PullFile};
use crate::graph::model::ItemKind;

use super::generate::SRC_GITHUB;
use super::org::{ORG, RENAMED, TEAMS};
use super::rng::Rng;
use super::DemoGraph;

/// A folder of every repository owned by another team: (folder, team slug, files in it).
const SHARED: [(&str, &str, &[&str]); 5] = [
    (
        "db/migrations/",
        "data",
        &[
            "0041_add_index.sql",
            "0042_backfill.sql",
            "0043_drop_legacy.sql",
        ],
    ),
    (
        "src/auth/",
        "identity",
        &["session.rs", "tokens.rs", "middleware.rs"],
    ),
    (
        "deploy/",
        "platform",
        &["values.yaml", "Dockerfile", "alerts.yaml"],
    ),
    (
        "src/payments/",
        "payments",
        &["client.rs", "refund.rs", "webhooks.rs"],
    ),
    ("security/", "security", &["policy.yaml", "csp.json"]),
];

/// The team's own folders and file names (a small pool, so open changes meet).
const OWN_DIRS: [&str; 4] = ["src/api/", "src/core/", "src/handlers/", "tests/"];
const OWN_FILES: [&str; 6] = [
    "mod.rs",
    "routes.rs",
    "service.rs",
    "models.rs",
    "errors.rs",
    "config.rs",
];

/// The `@org/team` owner of a team, as `OwnerRules::team_of` maps it to the team's name.
fn owner(name: &str) -> String {
    format!("@{ORG}/{}", name.to_lowercase().replace(' ', "-"))
}

fn name_of(slug: &str) -> Option<&'static str> {
    TEAMS.iter().find(|t| t.slug == slug).map(|t| t.name)
}

/// Adds every repository's `CODEOWNERS` and every pull request's files to the graph.
pub(crate) fn add(g: &mut DemoGraph, seed: u64, now: i64) {
    let mut rng = Rng::stream(seed, 0xF11E5);
    let mut team_of_repo: std::collections::HashMap<String, &'static str> =
        std::collections::HashMap::new();
    for team in TEAMS {
        for (n, repo) in team.repos.iter().enumerate() {
            let repository = format!("{ORG}/{repo}");
            team_of_repo.insert(repository.clone(), team.slug);
            // Pull requests that arrived before a rename are keyed under the name it had.
            if *repo == RENAMED.after {
                team_of_repo.insert(format!("{ORG}/{}", RENAMED.before), team.slug);
            }
            // One repository has none; the others keep it where GitHub looks first, or in one
            // of the two other places it reads.
            if team.slug == "growth" && n == 2 {
                continue;
            }
            let location = match n {
                1 => "CODEOWNERS",
                2 if team.slug == "mobile" => "docs/CODEOWNERS",
                _ => ".github/CODEOWNERS",
            };
            let mut text = format!(
                "# Code owners of {repository}\n# The last matching line wins.\n* {}\n",
                owner(team.name)
            );
            for (folder, slug, _) in SHARED {
                if slug == team.slug {
                    continue;
                }
                if let Some(name) = name_of(slug) {
                    text.push_str(&format!("/{folder} {}\n", owner(name)));
                }
            }
            let content = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            let wrapped: Vec<&str> = content
                .as_bytes()
                .chunks(60)
                .filter_map(|c| std::str::from_utf8(c).ok())
                .collect();
            let file = ContentFile {
                kind: "file".into(),
                path: location.into(),
                sha: Some(format!("{:040x}", rng.next_u64())),
                encoding: Some("base64".into()),
                content: Some(wrapped.join("\n") + "\n"),
            };
            if let Some(found) =
                files::map_codeowners(SRC_GITHUB, &repository, location, &file, now)
            {
                g.owners.push(found);
            }
        }
    }
    let ext_of = |slug: &str| match slug {
        "mobile" => "kt",
        "checkout" | "growth" => "ts",
        "data" => "py",
        _ => "rs",
    };
    for item in &g.items {
        if item.kind != ItemKind::PullRequest || item.source_id != SRC_GITHUB {
            continue;
        }
        let Some((repository, _)) = item.key.rsplit_once('#') else {
            continue;
        };
        let Some(&slug) = team_of_repo.get(repository) else {
            continue;
        };
        let ai = item.provenance == crate::graph::model::Provenance::AiAgent;
        let mut paths: Vec<(String, &str)> = Vec::new();
        let own = 1 + rng.below(if ai { 6 } else { 4 });
        for _ in 0..own {
            let dir = rng.pick(&OWN_DIRS);
            let name = rng.pick(&OWN_FILES);
            let path = format!("{dir}{}.{}", name.trim_end_matches(".rs"), ext_of(slug));
            paths.push((
                path,
                if rng.chance(0.15) {
                    "added"
                } else {
                    "modified"
                },
            ));
        }
        // Reaching into other teams' folders: agents more often, and sometimes two at once.
        let reach = if ai { [0.3, 0.15] } else { [0.12, 0.01] };
        for p in reach {
            if rng.chance(p) {
                let (folder, owner_slug, names) = *rng.pick(&SHARED);
                if owner_slug == slug {
                    continue;
                }
                let name = rng.pick(names);
                let status = if folder.starts_with("db/") {
                    "added"
                } else {
                    "modified"
                };
                paths.push((format!("{folder}{name}"), status));
            }
        }
        if rng.chance(0.08) {
            paths.push(("README.md".to_owned(), "modified"));
        }
        paths.sort();
        paths.dedup_by(|a, b| a.0 == b.0);
        let records: Vec<PullFile> = paths
            .into_iter()
            .map(|(filename, status)| {
                let additions = 1 + rng.below(120) as u64;
                PullFile {
                    filename,
                    status: status.to_owned(),
                    additions,
                    deletions: if status == "added" {
                        0
                    } else {
                        rng.below(additions as usize + 20) as u64
                    },
                    previous_filename: None,
                }
            })
            .collect();
        g.paths
            .push(files::map_files(&item.id, item.updated_at, &records, false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conflicts::codeowners::CodeOwners;
    use crate::demo::{DemoOptions, DEFAULT_SEED};

    #[test]
    fn the_demo_has_codeowners_and_file_lists_shaped_by_the_real_mapping() {
        let g = crate::demo::generate(&DemoOptions {
            items: 1_500,
            seed: DEFAULT_SEED,
            end: 1_774_976_400_000,
        });
        let pulls = g
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::PullRequest && i.source_id == SRC_GITHUB)
            .count();
        assert_eq!(
            g.paths.len(),
            pulls,
            "every GitHub pull request has its files"
        );
        assert!(g.paths.iter().all(|l| !l.paths.is_empty()));
        let repos: usize = TEAMS.iter().map(|t| t.repos.len()).sum();
        assert_eq!(
            g.owners.len(),
            repos - 1,
            "one repository has no CODEOWNERS"
        );
        let payments = g
            .owners
            .iter()
            .find(|o| o.repository == "acme/checkout-web")
            .expect("checkout-web has one");
        let parsed = CodeOwners::parse(&payments.body);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(
            parsed.owners_of("src/payments/refund.rs"),
            ["@acme/payments"]
        );
        assert_eq!(parsed.owners_of("src/api/routes.ts"), ["@acme/checkout"]);
        let reaching = g
            .paths
            .iter()
            .filter(|l| {
                l.paths
                    .iter()
                    .any(|p| SHARED.iter().any(|s| p.path.starts_with(s.0)))
            })
            .count();
        assert!(
            reaching * 20 > pulls && reaching * 3 < pulls,
            "some pull requests, not most, reach into another team's folder: {reaching} of {pulls}"
        );
    }
}

//! Conflicting changes: pull requests that change code another team owns, or that collide.
//!
//! [`codeowners`] reads who owns which paths; [`OwnerRules`] maps those owners to Baton teams
//! (people's rules in `owner_rules` and `sensitive_paths`); [`check`] flags pull requests, each
//! flag with its rule and a plain reason; [`live`] runs it over the workspace: the file lists
//! the GitHub connector stores (`item_paths`, from `/pulls/{n}/files`) and each repository's
//! `CODEOWNERS` (`repo_owners`). [`touches`] says who changes whose code (the Dependencies
//! page); [`rules`] edits people's owner rules and sensitive paths; [`answers`] layers people's
//! acknowledgements and dismissals of conflicts over them. Definitions: `docs/metrics.md`,
//! "Conflicting changes".

pub mod answers;
pub mod codeowners;
pub mod live;
pub mod rules;
pub mod touches;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use self::codeowners::CodeOwners;

/// Maps a `CODEOWNERS` owner to a Baton team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRule {
    /// The owner as written (`@acme/payments`, `@jdoe`, an e-mail), compared ignoring case.
    pub owner: String,
    /// A Baton team id.
    pub team: String,
}

/// A path that needs a given team's review whoever owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensitivePath {
    /// A `CODEOWNERS`-style pattern.
    pub pattern: String,
    /// What it is ("security", "payments", "migrations").
    pub label: String,
    /// The team whose review it needs; `None`: the team that owns the path.
    pub reviewer: Option<String>,
}

/// The editable rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRules {
    pub owners: Vec<OwnerRule>,
    pub sensitive: Vec<SensitivePath>,
}

impl OwnerRules {
    /// The defaults: no explicit owner rule (`@org/<team>` owners map to the Baton team of that
    /// name, see [`OwnerRules::team_of`]), and security, payments and migrations paths need
    /// their owners' review.
    pub fn defaults() -> OwnerRules {
        OwnerRules {
            owners: Vec::new(),
            sensitive: ["security", "payments", "migrations"]
                .iter()
                .map(|label| SensitivePath {
                    pattern: format!("**/{label}/"),
                    label: (*label).to_owned(),
                    reviewer: None,
                })
                .collect(),
        }
    }

    /// The team of an owner: an explicit rule, else `@org/<slug>` matching a team's name.
    pub fn team_of(&self, owner: &str, teams: &[(String, String)]) -> Option<String> {
        if let Some(r) = self
            .owners
            .iter()
            .find(|r| r.owner.eq_ignore_ascii_case(owner))
        {
            return Some(r.team.clone());
        }
        let slug = owner.strip_prefix('@')?.split_once('/')?.1.to_lowercase();
        teams
            .iter()
            .find(|(_, name)| name.to_lowercase().replace(' ', "-") == slug)
            .map(|(id, _)| id.clone())
    }
}

/// What a pull request changes and who looked at it (the facts [`check`] reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullFacts {
    pub id: String,
    pub key: String,
    /// The author's team.
    pub team: Option<String>,
    /// Made by an AI agent.
    pub ai: bool,
    pub open: bool,
    /// Its changed paths (GitHub's `/pulls/{n}/files`; see [`FILES_LIMIT`]).
    pub files: Vec<String>,
    /// GitHub lists at most this many files (`files_truncated` when it had more).
    pub files_truncated: bool,
    /// Teams of the people who approved it.
    pub approved_by: BTreeSet<String>,
}

/// GitHub's `/pulls/{n}/files` lists at most 3,000 files (100 a page): past that the list is
/// cut and a flag says the rules saw only part of the change.
pub const FILES_LIMIT: usize = 3_000;

/// The rule a flag broke.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum ConflictRule {
    /// Changes paths another team owns without a review from that team.
    CrossOwnerUnreviewed,
    /// Open at the same time as another team's (or an agent's) pull requests touching the same
    /// files or the same owned module: one flag per other team, naming its changes.
    Overlapping,
    /// Made by an AI agent and touching paths owned by more than one team.
    AiAcrossTeams,
    /// Changes a sensitive path without the required reviewer.
    SensitiveUnreviewed,
}

/// The name of the team `id` among `teams` (id, name), else the id itself.
pub(crate) fn team_name(teams: &[(String, String)], id: &str) -> String {
    teams
        .iter()
        .find(|(t, _)| t == id)
        .map_or(id.to_owned(), |(_, n)| n.clone())
}

/// One flag on one pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub pull: String,
    pub rule: ConflictRule,
    /// The other team: whose code (cross-owner), whose review (sensitive), or whose open
    /// changes it overlaps (overlapping; None there: changes of no team).
    pub other: Option<String>,
    /// The other changes it overlaps (overlapping; empty otherwise), by id, in pull order.
    pub others: Vec<String>,
    pub paths: Vec<String>,
    /// In words.
    pub reason: String,
}

/// Owning team of each path of a pull request (paths nobody owns, or owned by an owner no team
/// maps to, are left out), with the `CODEOWNERS` line that decided it.
fn owned(
    pull: &PullFacts,
    owners: &CodeOwners,
    rules: &OwnerRules,
    teams: &[(String, String)],
) -> Vec<(String, String, u32)> {
    let mut out = Vec::new();
    for path in &pull.files {
        let Some(rule) = owners.rule_for(path) else {
            continue;
        };
        for owner in &rule.owners {
            if let Some(team) = rules.team_of(owner, teams) {
                out.push((path.clone(), team, rule.line));
            }
        }
    }
    out
}

fn listed(paths: &[String]) -> String {
    let shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
    let more = paths.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// What the overlap rule reads of each open pull request: its place in the pulls, its files,
/// and the modules (`CODEOWNERS` lines) its owned paths fall under but the whole repository's.
struct Open<'p> {
    at: usize,
    files: BTreeSet<&'p String>,
    modules: BTreeSet<u32>,
}

/// The open pull requests, with what the overlap rule reads of each.
fn open_pulls<'p>(
    pulls: &'p [PullFacts],
    owned_by: &[Vec<(String, String, u32)>],
    owners: &CodeOwners,
) -> Vec<Open<'p>> {
    // A module is a part of the repository a line gives an owner; the catch-all line (`*`)
    // gives the whole repository, which two changes sharing is no overlap.
    let whole_repo: BTreeSet<u32> = owners
        .rules
        .iter()
        .filter(|r| matches!(r.pattern.as_str(), "*" | "**" | "/" | "/*" | "/**" | "**/*"))
        .map(|r| r.line)
        .collect();
    (0..pulls.len())
        .filter(|&i| pulls[i].open)
        .map(|i| Open {
            at: i,
            files: pulls[i].files.iter().collect(),
            modules: owned_by[i]
                .iter()
                .map(|o| o.2)
                .filter(|l| !whole_repo.contains(l))
                .collect(),
        })
        .collect()
}

/// An overlapping pair: the earlier open pull request `a` and the later `b` (their places in
/// the pulls), whether they share files (else paths of one owned module), and each one's paths
/// concerned (the shared files, else its paths in the other's modules), in its files' order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    a: usize,
    b: usize,
    files: bool,
    a_paths: Vec<String>,
    b_paths: Vec<String>,
}

/// The overlap rule on one pair: `a` (the earlier open pull request) against `b`.
fn pair(
    pulls: &[PullFacts],
    owned_by: &[Vec<(String, String, u32)>],
    (a, b): (&Open<'_>, &Open<'_>),
) -> Option<Pair> {
    let (pa, pb) = (&pulls[a.at], &pulls[b.at]);
    if pa.team == pb.team && pa.ai == pb.ai {
        return None;
    }
    let shared = |x: &PullFacts, y: &Open<'_>| -> Vec<String> {
        x.files
            .iter()
            .filter(|f| y.files.contains(f))
            .cloned()
            .collect()
    };
    let a_paths = shared(pa, b);
    if !a_paths.is_empty() {
        return Some(Pair {
            a: a.at,
            b: b.at,
            files: true,
            a_paths,
            b_paths: shared(pb, a),
        });
    }
    // A path of one under a module of the other: the other has a path there too, so each side
    // has paths concerned or neither has.
    let in_modules = |x: &Open<'_>, y: &Open<'_>| -> Vec<String> {
        owned_by[x.at]
            .iter()
            .filter(|o| y.modules.contains(&o.2))
            .map(|o| o.0.clone())
            .collect()
    };
    let a_paths = in_modules(a, b);
    if a_paths.is_empty() {
        return None;
    }
    Some(Pair {
        a: a.at,
        b: b.at,
        files: false,
        b_paths: in_modules(b, a),
        a_paths,
    })
}

/// Open pull requests of two teams (or an agent and a team) on the same files or module, in
/// the order of comparing every pair (each open pull request with every later one). Only the
/// pairs that share a file or a module are compared: the open ones are indexed by file and by
/// module, and each is compared with the later ones its files and modules name (two that share
/// neither never overlap).
fn overlapping_pairs(
    pulls: &[PullFacts],
    owned_by: &[Vec<(String, String, u32)>],
    owners: &CodeOwners,
) -> Vec<Pair> {
    let open = open_pulls(pulls, owned_by, owners);
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_module: HashMap<u32, Vec<usize>> = HashMap::new();
    for (n, o) in open.iter().enumerate() {
        for f in &o.files {
            by_file.entry(f.as_str()).or_default().push(n);
        }
        for m in &o.modules {
            by_module.entry(*m).or_default().push(n);
        }
    }
    let mut out = Vec::new();
    // Which open pull request last named each as a later one (no pair compared twice).
    let mut named_by = vec![usize::MAX; open.len()];
    let mut later: Vec<usize> = Vec::new();
    for (n, a) in open.iter().enumerate() {
        later.clear();
        // The places are ascending in each list: those after `n` are its tail.
        let lists = a
            .files
            .iter()
            .filter_map(|f| by_file.get(f.as_str()))
            .chain(owned_by[a.at].iter().filter_map(|o| by_module.get(&o.2)));
        for list in lists {
            let from = list.partition_point(|&m| m <= n);
            for &m in &list[from..] {
                if named_by[m] != n {
                    named_by[m] = n;
                    later.push(m);
                }
            }
        }
        later.sort_unstable();
        out.extend(
            later
                .iter()
                .filter_map(|&m| pair(pulls, owned_by, (a, &open[m]))),
        );
    }
    out
}

/// What one pull request shares with the open changes of one other team (or of no team).
#[derive(Default)]
struct Shared<'p> {
    /// The other changes, by place in the pulls.
    members: Vec<usize>,
    /// Its paths concerned, each once, in the order met.
    paths: Vec<&'p str>,
    /// The same paths, to meet each once (a change of thousands of files shares many).
    seen: HashSet<&'p str>,
    files: bool,
    module: bool,
}

/// The overlap flags of `pairs`: one per pull request and other team (a pull request with no
/// team counts as "no team"), naming every open change of that team it overlaps (an agent's
/// change and a person's of one team overlap: that team's changes of the other kind), in pull
/// request order, then by team id.
fn overlap_flags(
    pulls: &[PullFacts],
    pairs: &[Pair],
    name: &dyn Fn(&str) -> String,
    out: &mut Vec<Conflict>,
) {
    let mut by: BTreeMap<(usize, Option<&str>), Shared> = BTreeMap::new();
    for p in pairs {
        for (this, other, paths) in [(p.a, p.b, &p.a_paths), (p.b, p.a, &p.b_paths)] {
            let s = by.entry((this, pulls[other].team.as_deref())).or_default();
            s.members.push(other);
            for path in paths {
                if s.seen.insert(path) {
                    s.paths.push(path);
                }
            }
            s.files |= p.files;
            s.module |= !p.files;
        }
    }
    for ((this, team), mut s) in by {
        s.members.sort_unstable();
        let paths: Vec<String> = s.paths.iter().map(|p| (*p).to_owned()).collect();
        // An agent's change overlapping its own team's: those are people's (say so, or the
        // flag reads as a team against itself).
        let own_people = pulls[this].ai && team == pulls[this].team.as_deref();
        let who = match s.members.as_slice() {
            [one] => {
                let o = &pulls[*one];
                let by = match (o.ai, o.team.as_deref()) {
                    (true, _) => "an AI agent".to_owned(),
                    (false, Some(t)) if own_people => format!("a person of {}", name(t)),
                    (false, t) => t.map_or("no team".to_owned(), name),
                };
                format!("{} ({by})", o.key)
            }
            many => {
                let ai = many.iter().filter(|&&m| pulls[m].ai).count();
                let of = team.map_or("with no team".to_owned(), |t| format!("of {}", name(t)));
                // The changes themselves are the flag's `others` (the drawer lists them).
                let agents = if own_people {
                    " (all by people)".to_owned()
                } else if ai == many.len() {
                    " (all by AI agents)".to_owned()
                } else if ai > 0 {
                    format!(" ({ai} by AI agents)")
                } else {
                    String::new()
                };
                format!("{} changes {of}{agents}", many.len())
            }
        };
        let what = match (s.files, s.module) {
            (true, false) => "the same files",
            (false, _) => "the same owned module",
            (true, true) => "the same files or owned module",
        };
        out.push(Conflict {
            pull: pulls[this].id.clone(),
            rule: ConflictRule::Overlapping,
            other: team.map(str::to_owned),
            others: s.members.iter().map(|&m| pulls[m].id.clone()).collect(),
            reason: format!(
                "Open at the same time as {who} touching {what}: {}",
                listed(&paths)
            ),
            paths,
        });
    }
}

/// Flags every pull request by the four rules (see [`ConflictRule`]), in pull request order.
pub fn check(
    pulls: &[PullFacts],
    owners: &CodeOwners,
    rules: &OwnerRules,
    teams: &[(String, String)],
) -> Vec<Conflict> {
    let name = |id: &str| team_name(teams, id);
    let mut out = Vec::new();
    let owned_by: Vec<Vec<(String, String, u32)>> = pulls
        .iter()
        .map(|p| owned(p, owners, rules, teams))
        .collect();
    for (pull, owned) in pulls.iter().zip(&owned_by) {
        let cut = if pull.files_truncated {
            format!(" (GitHub listed only the first {FILES_LIMIT} files)")
        } else {
            String::new()
        };
        // Cross-owner changes without that team's review.
        let mut by_team: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (path, team, _) in owned {
            by_team.entry(team).or_default().push(path.clone());
        }
        for (team, paths) in &by_team {
            if pull.team.as_deref() != Some(*team) && !pull.approved_by.contains(*team) {
                out.push(Conflict {
                    pull: pull.id.clone(),
                    rule: ConflictRule::CrossOwnerUnreviewed,
                    other: Some((*team).to_owned()),
                    others: Vec::new(),
                    reason: format!(
                        "Changes {} owned by {} without a review from {}{cut}",
                        listed(paths),
                        name(team),
                        name(team)
                    ),
                    paths: paths.clone(),
                });
            }
        }
        // An agent's change across teams.
        if pull.ai && by_team.len() > 1 {
            let names: Vec<String> = by_team.keys().map(|t| name(t)).collect();
            out.push(Conflict {
                pull: pull.id.clone(),
                rule: ConflictRule::AiAcrossTeams,
                other: None,
                others: Vec::new(),
                paths: owned.iter().map(|o| o.0.clone()).collect(),
                reason: format!(
                    "Made by an AI agent and changes code of {} teams: {}{cut}",
                    names.len(),
                    names.join(", ")
                ),
            });
        }
        // Sensitive paths without the required reviewer.
        for s in &rules.sensitive {
            let hits: Vec<&String> = pull
                .files
                .iter()
                .filter(|p| codeowners::matches(&s.pattern, p))
                .collect();
            if hits.is_empty() {
                continue;
            }
            let needed: BTreeSet<String> = match &s.reviewer {
                Some(t) => [t.clone()].into(),
                None => owned
                    .iter()
                    .filter(|(p, _, _)| hits.contains(&p))
                    .map(|(_, t, _)| t.clone())
                    .collect(),
            };
            for team in needed {
                if !pull.approved_by.contains(&team) {
                    let paths: Vec<String> = hits.iter().map(|p| (*p).clone()).collect();
                    out.push(Conflict {
                        pull: pull.id.clone(),
                        rule: ConflictRule::SensitiveUnreviewed,
                        other: Some(team.clone()),
                        others: Vec::new(),
                        reason: format!(
                            "Changes {} paths ({}) without a review from {}{cut}",
                            s.label,
                            listed(&paths),
                            name(&team)
                        ),
                        paths,
                    });
                }
            }
        }
    }
    let pairs = overlapping_pairs(pulls, &owned_by, owners);
    overlap_flags(pulls, &pairs, &name, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teams() -> Vec<(String, String)> {
        [
            ("pay", "Payments"),
            ("plat", "Platform"),
            ("sec", "Security"),
            ("data", "Data Platform"),
        ]
        .iter()
        .map(|(i, n)| ((*i).to_owned(), (*n).to_owned()))
        .collect()
    }

    fn owners() -> CodeOwners {
        CodeOwners::parse(
            "* @acme/platform\n/payments/ @acme/payments\n/security/ @acme/security\n/db/ @acme/data-platform\n",
        )
    }

    fn pull(id: &str, team: &str, files: &[&str]) -> PullFacts {
        PullFacts {
            id: id.into(),
            key: format!("acme/app#{id}"),
            team: Some(team.into()),
            ai: false,
            open: true,
            files: files.iter().map(|f| (*f).to_owned()).collect(),
            files_truncated: false,
            approved_by: BTreeSet::new(),
        }
    }

    /// The overlap rule as it was checked before: every open pull request against every later
    /// one.
    fn pairs_pairwise(
        pulls: &[PullFacts],
        owned_by: &[Vec<(String, String, u32)>],
        owners: &CodeOwners,
    ) -> Vec<Pair> {
        let open = open_pulls(pulls, owned_by, owners);
        let mut out = Vec::new();
        for (n, a) in open.iter().enumerate() {
            for b in &open[n + 1..] {
                out.extend(pair(pulls, owned_by, (a, b)));
            }
        }
        out
    }

    /// Pull requests made from a seed: teams, agents, open or not, files in owned modules, in
    /// the whole repository's part and shared by name across folders.
    fn generated(seed: u64, count: usize) -> Vec<PullFacts> {
        let mut state = seed;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        let folders = ["payments", "security", "db", "web", "docs", "db/migrations"];
        let team_ids = ["pay", "plat", "sec", "data"];
        (0..count)
            .map(|n| {
                let files = (0..1 + next(6))
                    .map(|_| {
                        format!(
                            "{}/f{}.rs",
                            folders[next(folders.len() as u64) as usize],
                            next(40)
                        )
                    })
                    .collect();
                PullFacts {
                    id: format!("p{n}"),
                    key: format!("acme/app#{n}"),
                    team: (next(8) > 0).then(|| team_ids[next(4) as usize].to_owned()),
                    ai: next(4) == 0,
                    open: next(5) > 0,
                    files,
                    files_truncated: false,
                    approved_by: BTreeSet::new(),
                }
            })
            .collect()
    }

    #[test]
    fn overlaps_found_by_file_and_module_are_those_of_every_pair() {
        let teams = teams();
        let name = |id: &str| team_name(&teams, id);
        let rules = OwnerRules::defaults();
        let with_modules = CodeOwners::parse(
            "* @acme/platform\n/payments/ @acme/payments\n/security/ @acme/security\n/db/ @acme/data-platform\n/db/migrations/ @acme/platform\n",
        );
        let without = CodeOwners::parse("");
        for (seed, owners) in [(1, &with_modules), (2, &with_modules), (3, &without)] {
            let pulls = generated(seed, 400);
            let owned_by: Vec<_> = pulls
                .iter()
                .map(|p| owned(p, owners, &rules, &teams))
                .collect();
            let indexed = overlapping_pairs(&pulls, &owned_by, owners);
            assert!(
                indexed.len() > 1_000,
                "seed {seed}: {} pairs",
                indexed.len()
            );
            let by_module = indexed.iter().filter(|p| !p.files).count();
            assert_eq!(by_module > 0, seed != 3, "seed {seed}: overlaps by module");
            assert_eq!(
                indexed,
                pairs_pairwise(&pulls, &owned_by, owners),
                "seed {seed}"
            );
            // One flag per change and other team, naming every change of that team it
            // overlaps, and nothing else.
            let mut flags = Vec::new();
            overlap_flags(&pulls, &indexed, &name, &mut flags);
            let mut named: BTreeSet<(String, String)> = BTreeSet::new();
            let mut slots = BTreeSet::new();
            for f in &flags {
                assert!(
                    slots.insert((f.pull.clone(), f.other.clone())),
                    "seed {seed}: one flag per change and other team"
                );
                for o in &f.others {
                    let other = pulls.iter().find(|p| &p.id == o).unwrap();
                    assert_eq!(other.team, f.other, "seed {seed}: {} names {o}", f.pull);
                    named.insert((f.pull.clone(), o.clone()));
                }
            }
            let both_ways: BTreeSet<(String, String)> = indexed
                .iter()
                .flat_map(|p| {
                    let (a, b) = (pulls[p.a].id.clone(), pulls[p.b].id.clone());
                    [(a.clone(), b.clone()), (b, a)]
                })
                .collect();
            assert_eq!(named, both_ways, "seed {seed}");
            assert!(
                flags.len() * 3 < both_ways.len(),
                "seed {seed}: {} flags for {} pairs both ways",
                flags.len(),
                both_ways.len()
            );
        }
    }

    #[test]
    fn a_changes_overlaps_are_one_flag_per_other_team_naming_its_changes() {
        let a = pull("1", "plat", &["payments/refund.rs", "payments/ledger.rs"]);
        let b = pull("2", "pay", &["payments/refund.rs"]);
        let c = pull("3", "pay", &["payments/ledger.rs", "payments/fx.rs"]);
        let mut d = pull("4", "pay", &["payments/fees.rs"]);
        d.ai = true;
        let mut agent = pull("5", "plat", &["payments/refund.rs"]);
        agent.ai = true;
        let all = [a, b, c, d, agent];
        let flags = check(&all, &owners(), &OwnerRules::defaults(), &teams());
        let of = |id: &str| -> Vec<&Conflict> {
            flags
                .iter()
                .filter(|x| x.pull == id && x.rule == ConflictRule::Overlapping)
                .collect()
        };
        let one = of("1");
        assert_eq!(
            one.len(),
            2,
            "Payments' changes, and Platform's agent: {one:?}"
        );
        assert_eq!(one[0].other.as_deref(), Some("pay"));
        assert_eq!(one[0].others, ["2", "3", "4"]);
        assert_eq!(
            one[0].reason,
            "Open at the same time as 3 changes of Payments (1 by AI agents) touching the same \
             files or owned module: payments/refund.rs, payments/ledger.rs"
        );
        assert_eq!(one[0].paths, ["payments/refund.rs", "payments/ledger.rs"]);
        assert_eq!(one[1].other.as_deref(), Some("plat"));
        assert_eq!(one[1].others, ["5"]);
        assert_eq!(
            one[1].reason,
            "Open at the same time as acme/app#5 (an AI agent) touching the same files: \
             payments/refund.rs"
        );
        // Each side says its own paths: Payments' agent shares only the module, with its own
        // team's people too.
        let four = of("4");
        assert_eq!(four.len(), 2, "{four:?}");
        assert_eq!(four[0].others, ["2", "3"]);
        assert!(
            four[0]
                .reason
                .starts_with("Open at the same time as 2 changes of Payments (all by people) "),
            "{}",
            four[0].reason
        );
        assert_eq!(four[1].others, ["1", "5"]);
        assert_eq!(four[1].paths, ["payments/fees.rs"]);
        assert_eq!(
            four[1].reason,
            "Open at the same time as 2 changes of Platform (1 by AI agents) touching the same \
             owned module: payments/fees.rs"
        );
        let mut nobody = pull("6", "plat", &["payments/refund.rs"]);
        nobody.team = None;
        let mut nobody_too = nobody.clone();
        nobody_too.id = "7".into();
        nobody_too.key = "acme/app#7".into();
        let flags = check(
            &[all[1].clone(), nobody, nobody_too],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        let two: Vec<&Conflict> = flags
            .iter()
            .filter(|x| x.pull == "2" && x.rule == ConflictRule::Overlapping)
            .collect();
        assert_eq!(two.len(), 1);
        assert_eq!(two[0].other, None);
        assert_eq!(
            two[0].reason,
            "Open at the same time as 2 changes with no team touching the same files: \
             payments/refund.rs"
        );
    }

    fn rules_of(c: &[Conflict], id: &str) -> Vec<ConflictRule> {
        c.iter().filter(|x| x.pull == id).map(|x| x.rule).collect()
    }

    #[test]
    fn owners_map_to_teams_by_rule_then_by_name() {
        let mut r = OwnerRules::defaults();
        assert_eq!(
            r.team_of("@acme/data-platform", &teams()).as_deref(),
            Some("data")
        );
        assert_eq!(r.team_of("@jdoe", &teams()), None);
        r.owners.push(OwnerRule {
            owner: "@JDoe".into(),
            team: "sec".into(),
        });
        assert_eq!(
            r.team_of("@jdoe", &teams()).as_deref(),
            Some("sec"),
            "rules ignore case"
        );
    }

    #[test]
    fn a_change_to_another_teams_code_needs_its_review() {
        let mut p = pull("1", "plat", &["payments/refund.rs", "README.md"]);
        let c = check(&[p.clone()], &owners(), &OwnerRules::defaults(), &teams());
        let cross: Vec<&Conflict> = c
            .iter()
            .filter(|x| x.rule == ConflictRule::CrossOwnerUnreviewed)
            .collect();
        assert_eq!(cross.len(), 1, "{c:?}");
        assert_eq!(cross[0].other.as_deref(), Some("pay"));
        assert_eq!(
            cross[0].reason,
            "Changes payments/refund.rs owned by Payments without a review from Payments"
        );
        p.approved_by.insert("pay".into());
        let c = check(&[p], &owners(), &OwnerRules::defaults(), &teams());
        assert!(
            c.iter()
                .all(|x| x.rule != ConflictRule::CrossOwnerUnreviewed),
            "Payments reviewed it"
        );
    }

    #[test]
    fn two_teams_open_on_the_same_files_or_module_overlap() {
        let a = pull("1", "plat", &["payments/refund.rs"]);
        let b = pull("2", "pay", &["payments/refund.rs"]);
        let c = check(
            &[a.clone(), b.clone()],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        assert!(rules_of(&c, "1").contains(&ConflictRule::Overlapping));
        assert!(rules_of(&c, "2").contains(&ConflictRule::Overlapping));
        let module = pull("3", "pay", &["payments/ledger.rs"]);
        let c = check(
            &[a.clone(), module],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        let o = c
            .iter()
            .find(|x| x.rule == ConflictRule::Overlapping)
            .expect("same module");
        assert!(o.reason.contains("the same owned module"), "{}", o.reason);
        let mut elsewhere = pull("6", "pay", &["README.md"]);
        let mut root_only = pull("7", "plat", &["Makefile"]);
        elsewhere.ai = true;
        root_only.ai = false;
        let c = check(
            &[elsewhere, root_only],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        assert!(
            c.iter().all(|x| x.rule != ConflictRule::Overlapping),
            "the catch-all line is the whole repository, not a module: {c:?}"
        );
        let same_team = pull("4", "plat", &["payments/refund.rs"]);
        let c = check(
            &[a.clone(), same_team],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        assert!(
            c.iter().all(|x| x.rule != ConflictRule::Overlapping),
            "one team's own work"
        );
        let mut agent = pull("5", "plat", &["payments/refund.rs"]);
        agent.ai = true;
        let c = check(
            &[a.clone(), agent],
            &owners(),
            &OwnerRules::defaults(),
            &teams(),
        );
        assert!(
            c.iter()
                .any(|x| x.rule == ConflictRule::Overlapping && x.reason.contains("an AI agent")),
            "an agent and a team overlap even within the team"
        );
        let mut closed = b;
        closed.open = false;
        let c = check(&[a, closed], &owners(), &OwnerRules::defaults(), &teams());
        assert!(
            c.iter().all(|x| x.rule != ConflictRule::Overlapping),
            "only open ones"
        );
    }

    #[test]
    fn an_agents_change_across_teams_is_flagged() {
        let mut p = pull("1", "plat", &["payments/a.rs", "security/b.rs"]);
        p.ai = true;
        let c = check(&[p.clone()], &owners(), &OwnerRules::defaults(), &teams());
        let f = c
            .iter()
            .find(|x| x.rule == ConflictRule::AiAcrossTeams)
            .expect("flagged");
        assert_eq!(
            f.reason,
            "Made by an AI agent and changes code of 2 teams: Payments, Security"
        );
        p.files = vec!["payments/a.rs".into()];
        let c = check(&[p], &owners(), &OwnerRules::defaults(), &teams());
        assert!(
            c.iter().all(|x| x.rule != ConflictRule::AiAcrossTeams),
            "one team's code"
        );
    }

    #[test]
    fn sensitive_paths_need_their_reviewer_and_the_file_limit_is_said() {
        let mut rules = OwnerRules::defaults();
        let mut p = pull("1", "pay", &["services/db/migrations/0042.sql"]);
        p.files_truncated = true;
        let c = check(&[p.clone()], &owners(), &rules, &teams());
        assert!(
            c.iter().any(|x| x.rule == ConflictRule::SensitiveUnreviewed
                && x.other.as_deref() == Some("plat")),
            "by default a migration needs the review of the team owning it (the catch-all's): {c:?}"
        );
        rules.sensitive[2].reviewer = Some("data".into());
        let c = check(&[p.clone()], &owners(), &rules, &teams());
        let f = c
            .iter()
            .find(|x| x.rule == ConflictRule::SensitiveUnreviewed)
            .expect("the required reviewer is missing");
        assert_eq!(
            f.reason,
            "Changes migrations paths (services/db/migrations/0042.sql) without a review from \
             Data Platform (GitHub listed only the first 3000 files)"
        );
        p.approved_by.insert("data".into());
        let c = check(&[p], &owners(), &rules, &teams());
        assert!(c
            .iter()
            .all(|x| x.rule != ConflictRule::SensitiveUnreviewed));
        let own = pull("2", "plat", &["security/keys.rs"]);
        let c = check(&[own], &owners(), &OwnerRules::defaults(), &teams());
        assert!(
            c.iter().any(|x| x.rule == ConflictRule::SensitiveUnreviewed
                && x.other.as_deref() == Some("sec")),
            "by default a sensitive path needs its owners' review"
        );
    }
}

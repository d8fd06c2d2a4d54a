//! `CODEOWNERS`: who owns which paths of a repository, as GitHub reads the file.
//!
//! GitHub uses the first of `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS` that exists
//! ([`LOCATIONS`]). Each line is a pattern and its owners (`@user`, `@org/team`, an e-mail);
//! `#` starts a comment, `\#` is a literal `#`. The **last** matching line decides a path's
//! owners; a matching line with no owners leaves the path unowned. Patterns follow GitHub's
//! subset of `.gitignore` rules: a leading `/` (or a `/` inside the pattern) anchors it at the
//! root, otherwise it matches at any depth; a trailing `/` matches a directory and everything
//! under it; `*` and `?` stay within one path segment; `**` spans segments. Unlike
//! `.gitignore`, `docs/*` owns the files directly in `docs/`, not those of its subfolders; there
//! is no `!` negation and no `[ ]` range (such lines are kept as errors, as GitHub shows them).

/// Where GitHub looks for the file, in the order it looks.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// One rule of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its line (1-based).
    pub line: u32,
    pub pattern: String,
    /// As written (`@acme/payments`, `@jdoe`, `jdoe@example.com`); empty: unowned.
    pub owners: Vec<String>,
}

/// A line GitHub would not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u32,
    pub message: String,
}

/// A parsed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeOwners {
    pub rules: Vec<Rule>,
    pub errors: Vec<LineError>,
}

/// Which of the repository's files GitHub reads: the first location present (`present` says
/// whether a path exists).
pub fn location(present: impl Fn(&str) -> bool) -> Option<&'static str> {
    LOCATIONS.iter().copied().find(|p| present(p))
}

impl CodeOwners {
    /// Parses the text of a `CODEOWNERS` file.
    pub fn parse(text: &str) -> CodeOwners {
        let mut out = CodeOwners::default();
        for (n, raw) in text.lines().enumerate() {
            let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
            let content = strip_comment(raw);
            let mut parts = content.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let pattern = pattern.replace("\\#", "#");
            if pattern.starts_with('!') || pattern.contains('[') || pattern.contains(']') {
                out.errors.push(LineError {
                    line,
                    message: format!("\"{pattern}\": negation and [ ] ranges are not supported"),
                });
                continue;
            }
            let owners: Vec<String> = parts.map(str::to_owned).collect();
            if let Some(bad) = owners.iter().find(|o| !is_owner(o)) {
                out.errors.push(LineError {
                    line,
                    message: format!("\"{bad}\" is not an owner (@user, @org/team or an e-mail)"),
                });
                continue;
            }
            out.rules.push(Rule {
                line,
                pattern,
                owners,
            });
        }
        out
    }

    /// The rule that decides `path` (a repository path without a leading `/`): the last one
    /// matching it. `None` when no rule matches.
    pub fn rule_for(&self, path: &str) -> Option<&Rule> {
        self.rules.iter().rev().find(|r| matches(&r.pattern, path))
    }

    /// The owners of `path` (empty when unowned).
    pub fn owners_of(&self, path: &str) -> &[String] {
        self.rule_for(path).map_or(&[], |r| r.owners.as_slice())
    }
}

/// `@user`, `@org/team` or an e-mail address.
pub(crate) fn is_owner(o: &str) -> bool {
    match o.strip_prefix('@') {
        Some(handle) => !handle.is_empty(),
        None => o
            .split_once('@')
            .is_some_and(|(u, d)| !u.is_empty() && d.contains('.')),
    }
}

/// The line without its comment: `#` at the start or after whitespace, unless escaped.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#'
            && (i == 0 || bytes[i - 1].is_ascii_whitespace())
            && !(i > 0 && bytes[i - 1] == b'\\')
        {
            return &line[..i];
        }
    }
    line
}

/// Whether `pattern` owns `path` (see the module's documentation).
pub fn matches(pattern: &str, path: &str) -> bool {
    let path = path.trim_start_matches('/');
    let dir_only = pattern.ends_with('/');
    let trimmed = pattern.trim_end_matches('/');
    let anchored = trimmed.starts_with('/') || trimmed.trim_start_matches('/').contains('/');
    let trimmed = trimmed.trim_start_matches('/');
    if trimmed.is_empty() {
        // "/" or "*"-like catch-alls are written "*"; a bare "/" owns nothing.
        return false;
    }
    let pat: Vec<&str> = trimmed.split('/').collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // A pattern that names a directory (its last segment literal or `**`) owns everything
    // under it; one ending in a wildcard segment owns only what that segment matches.
    let last = pat.last().copied().unwrap_or("");
    let owns_below = last == "**" || !last.contains(['*', '?']);
    let starts: Vec<usize> = if anchored {
        vec![0]
    } else {
        (0..segs.len()).collect()
    };
    for start in starts {
        let rest = &segs[start..];
        for k in 1..=rest.len() {
            let whole = k == rest.len();
            if dir_only && whole {
                continue;
            }
            if !whole && !owns_below && !dir_only {
                continue;
            }
            if segments_match(&pat, &rest[..k]) {
                return true;
            }
        }
    }
    false
}

/// Whether the pattern's segments match exactly the path's segments.
fn segments_match(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| segments_match(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, tail)) => glob(p.as_bytes(), s.as_bytes()) && segments_match(rest, tail),
            None => false,
        },
    }
}

/// `*` and `?` within one segment.
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written for this test after GitHub's documented examples of each pattern form.
    const FILE: &str = "\
# Default owners of everything
*       @acme/platform

# Any .js file, at any depth
*.js    @acme/web @jdoe

/build/logs/   @acme/ops
docs/*         docs@example.com
apps/          @acme/mobile
/scripts/      @acme/platform @acme/ops
**/logs        @acme/ops
payments/**/refund*.rs   @acme/payments
/db/migrations/    @acme/data
/vendor/           # no owners: unowned
\\#notes.md        @acme/writers
!secret.txt        @acme/security
bad.txt            acme-team
";

    #[test]
    fn the_last_matching_line_decides_and_each_pattern_form_matches_as_github_says() {
        let c = CodeOwners::parse(FILE);
        let owners = |path: &str| c.owners_of(path).join(" ");
        assert_eq!(owners("README.md"), "@acme/platform", "the catch-all");
        assert_eq!(
            owners("src/app/main.js"),
            "@acme/web @jdoe",
            "*.js at any depth"
        );
        assert_eq!(
            owners("build/logs/today.txt"),
            "@acme/ops",
            "an anchored directory"
        );
        assert_eq!(owners("docs/getting-started.md"), "docs@example.com");
        assert_eq!(
            owners("docs/build-app/troubleshooting.md"),
            "@acme/platform",
            "docs/* owns the files in docs/, not in its subfolders"
        );
        assert_eq!(owners("apps/ios/App.swift"), "@acme/mobile");
        assert_eq!(
            owners("src/apps/web/index.html"),
            "@acme/mobile",
            "apps/ at any depth"
        );
        assert_eq!(owners("deep/logs/x.log"), "@acme/ops", "**/logs");
        assert_eq!(owners("payments/api/v2/refund_flow.rs"), "@acme/payments");
        assert_eq!(owners("payments/api/charge.rs"), "@acme/platform");
        assert_eq!(owners("db/migrations/0042_add.sql"), "@acme/data");
        assert_eq!(
            owners("vendor/lib/x.c"),
            "",
            "a rule with no owners leaves it unowned"
        );
        assert_eq!(owners("#notes.md"), "@acme/writers", "\\# is a literal #");
        assert_eq!(
            c.rule_for("scripts/deploy.sh").map(|r| r.line),
            Some(10),
            "the rule's line is kept"
        );
        let lines: Vec<u32> = c.errors.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            vec![16, 17],
            "negation and a bare name are errors: {:?}",
            c.errors
        );
    }

    #[test]
    fn github_reads_the_first_location_present() {
        assert_eq!(
            location(|p| p == "docs/CODEOWNERS" || p == "CODEOWNERS"),
            Some("CODEOWNERS")
        );
        assert_eq!(
            location(|p| p.starts_with(".github/") || p == "docs/CODEOWNERS"),
            Some(".github/CODEOWNERS")
        );
        assert_eq!(
            location(|p| p == "docs/CODEOWNERS"),
            Some("docs/CODEOWNERS")
        );
        assert_eq!(location(|_| false), None);
    }

    #[test]
    fn globs_stay_within_a_segment() {
        assert!(matches("src/*.rs", "src/lib.rs"));
        assert!(!matches("src/*.rs", "src/a/lib.rs"));
        assert!(matches("src/**/*.rs", "src/a/b/lib.rs"));
        assert!(
            matches("src/**/*.rs", "src/lib.rs"),
            "** spans zero segments too"
        );
        assert!(matches("lib?.rs", "a/lib1.rs"));
        assert!(
            !matches("/lib?.rs", "a/lib1.rs"),
            "a leading / anchors at the root"
        );
    }
}

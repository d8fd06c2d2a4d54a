-- What changes touch, and who owns which paths (conflicting changes, issue 14).
--
-- The files a change (a GitHub pull request, a GitLab merge request) touches, as its source
-- lists them, one row per path. Written by the sync only, the whole list of an item at once
-- (an item's rows are replaced when its change is read again). status is the source's word
-- ('added', 'removed', 'modified', 'renamed', 'copied', 'changed', 'unchanged'); previous_path
-- the old name of a renamed file.
CREATE TABLE item_paths (
    item_id       TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'modified',
    additions     INTEGER NOT NULL DEFAULT 0,
    deletions     INTEGER NOT NULL DEFAULT 0,
    previous_path TEXT,
    PRIMARY KEY (item_id, path)
) WITHOUT ROWID;
-- Items touching a path or a path prefix (`path >= 'payments/' AND path < 'payments0'`).
CREATE INDEX item_paths_path ON item_paths (path);

-- Per item whose files were read: how many files the source says it changes (`files`) and
-- whether the list stored is cut short (GitHub lists at most 3,000 files of a pull request;
-- truncated = 1 when it changes more). An item with no row here was never read (not the same
-- as a change of no files).
CREATE TABLE item_path_lists (
    item_id   TEXT PRIMARY KEY NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    files     INTEGER NOT NULL,
    truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    read_at   INTEGER NOT NULL
);

-- The CODEOWNERS file of each repository of a source, as the sync last read it: location is
-- the path it was read from (`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`, the first
-- that exists, as GitHub reads it), NULL when the repository has none (body empty). repository
-- is its name at the source (`owner/name`, a GitLab project path). Written by the sync only.
CREATE TABLE repo_owners (
    source_id  TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    repository TEXT NOT NULL,
    location   TEXT,
    body       TEXT NOT NULL DEFAULT '',
    -- The file's blob sha (GitHub) when known: an unchanged file is not re-read.
    sha        TEXT,
    read_at    INTEGER NOT NULL,
    PRIMARY KEY (source_id, repository)
) WITHOUT ROWID;

-- Which CODEOWNERS owner is which Baton team (people's rules; a sync never writes them).
-- Owners without a rule map to the team whose name, lower-cased with spaces as dashes, is the
-- owner's `@org/<team>` slug.
CREATE TABLE owner_rules (
    owner      TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    team_id    TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Paths that need a given team's review whoever changes them (people's rules). While the
-- table is empty the defaults apply (security, payments and migrations paths need their
-- owners' review; `conflicts::OwnerRules::defaults`). reviewer_team NULL: the owning team.
CREATE TABLE sensitive_paths (
    pattern       TEXT PRIMARY KEY NOT NULL,
    label         TEXT NOT NULL,
    reviewer_team TEXT REFERENCES teams (id) ON DELETE SET NULL,
    updated_by    TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);

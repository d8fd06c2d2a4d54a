-- Plans: scenarios and planning sessions. Both are people's work: no sync writes these tables.
--
-- A scenario is a named set of changes over the live graph (added or removed scope, a team's
-- capacity over dates, work moved between teams, dependencies added or removed, priorities,
-- de-risked items), evaluated over the in-memory index without changing it. `body` is the typed
-- change list as JSON ({"v": 1, "changes": [...]}; `plan::scenario` gives it its types).
-- `version` counts the edits (1 when created); an edit names the version it started from and
-- is refused when someone saved in between.
CREATE TABLE scenarios (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    notes      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Planning sessions started from this workspace: each is a frozen copy of it (`file`, made with
-- VACUUM INTO) that people plan on while the live workspace keeps syncing. `merged_at` is set
-- when the session's decisions and scenarios were brought back. In the copy itself, the row
-- with its own id says the file is a session (its sources are never synced).
CREATE TABLE plan_sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    file       TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    merged_at  INTEGER,
    merged_by  TEXT
);

-- Marks a workspace file as a planning session's copy: one row, the session's id.
CREATE TABLE session_self (
    id         TEXT PRIMARY KEY NOT NULL,
    source     TEXT NOT NULL,
    started_at INTEGER NOT NULL
);

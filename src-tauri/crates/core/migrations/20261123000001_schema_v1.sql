-- Baton work graph, schema v1.
-- Times are INTEGER milliseconds since the Unix epoch, UTC. IDs are TEXT.
-- application_id marks the file as a Baton workspace ('BATN'); user_version is the schema version.
PRAGMA application_id = 1111577678;
PRAGMA user_version = 1;

-- A connection to a tool that work comes from.
CREATE TABLE sources (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('github', 'jira', 'gitlab', 'linear', 'file')),
    name            TEXT NOT NULL UNIQUE,
    base_url        TEXT NOT NULL,
    -- JSON: repos, projects, JQL, org... depends on kind.
    scope           TEXT NOT NULL DEFAULT '{}',
    -- Name of the OS keychain entry holding the token; never the token itself.
    secret_ref      TEXT,
    poll_interval_s INTEGER NOT NULL DEFAULT 600,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- 1 when the rows were generated (the demo organisation): never polled.
    synthetic       INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
    created_at      INTEGER NOT NULL
);

-- Raw JSON of every fetched record, so a mapping change can be re-derived without refetching.
CREATE TABLE raw_records (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    stream      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    payload     TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, stream, external_id)
) WITHOUT ROWID;

-- Per source and stream: how far a sync got. Advanced in the same transaction as its rows.
CREATE TABLE sync_cursors (
    source_id  TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    stream     TEXT NOT NULL,
    watermark  TEXT,
    etag       TEXT,
    page_token TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, stream)
) WITHOUT ROWID;

-- Every sync run, failed ones included: no silent failure.
CREATE TABLE sync_runs (
    id                TEXT PRIMARY KEY NOT NULL,
    source_id         TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at        INTEGER NOT NULL,
    ended_at          INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'canceled')),
    pages             INTEGER NOT NULL DEFAULT 0,
    items             INTEGER NOT NULL DEFAULT 0,
    rate_limit_waits  INTEGER NOT NULL DEFAULT 0,
    rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0,
    error             TEXT
);
CREATE INDEX sync_runs_source ON sync_runs (source_id, started_at);

CREATE TABLE teams (
    id   TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE people (
    id           TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    team_id      TEXT REFERENCES teams (id) ON DELETE SET NULL,
    -- 1 for automation and AI coding agents.
    is_bot       INTEGER NOT NULL DEFAULT 0 CHECK (is_bot IN (0, 1))
);

-- A person's login on a source; several identities merge into one person.
CREATE TABLE identities (
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    login     TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, login)
) WITHOUT ROWID;
CREATE INDEX identities_person ON identities (person_id);

-- Goals, initiatives and milestones, as a tree.
CREATE TABLE intents (
    id          TEXT PRIMARY KEY NOT NULL,
    parent_id   TEXT REFERENCES intents (id) ON DELETE SET NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('goal', 'initiative', 'milestone')),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_id    TEXT REFERENCES people (id) ON DELETE SET NULL,
    target_at   INTEGER,
    created_at  INTEGER NOT NULL
);

-- id is the source-qualified external id (e.g. "jira:PAY-123"), so (source, external_id) is
-- unique by construction and needs no index of its own.
CREATE TABLE items (
    id                    TEXT PRIMARY KEY NOT NULL,
    source_id             TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id           TEXT NOT NULL,
    -- As the source writes it: "acme/payments#412", "PAY-112", "CORE-42".
    key                   TEXT NOT NULL,
    url                   TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('feature', 'defect', 'risk', 'debt', 'task',
                              'pull_request', 'review', 'approval', 'deployment', 'incident')),
    title                 TEXT NOT NULL,
    team_id               TEXT REFERENCES teams (id) ON DELETE SET NULL,
    owner_id              TEXT REFERENCES people (id) ON DELETE SET NULL,
    author_id             TEXT REFERENCES people (id) ON DELETE SET NULL,
    provenance            TEXT NOT NULL CHECK (provenance IN ('human', 'ai_agent', 'automation')),
    -- Which agent or automation, when provenance is not human.
    provenance_agent      TEXT,
    -- 0..1: how sure the provenance rule that matched is.
    provenance_confidence REAL NOT NULL DEFAULT 1.0,
    raw_state             TEXT NOT NULL,
    flow_state            TEXT NOT NULL CHECK (flow_state IN ('new', 'waiting', 'active', 'done', 'canceled')),
    wait_reason           TEXT CHECK (wait_reason IN ('queue', 'review', 'approval', 'security', 'decision',
                              'dependency', 'blocked')),
    intent_id             TEXT REFERENCES intents (id) ON DELETE SET NULL,
    priority              TEXT,
    created_at            INTEGER NOT NULL,
    started_at            INTEGER,
    done_at               INTEGER,
    updated_at            INTEGER NOT NULL
);
-- Few indexes on purpose: lists, filters and metrics read the in-memory index built at open;
-- these serve foreign keys and the per-team and per-intent lookups.
CREATE INDEX items_team ON items (team_id);
CREATE INDEX items_intent ON items (intent_id);

-- Every change of an item over time, idempotent on the source's event id. kind is
--   'state'    the workflow state changed (from_state -> to_state, raw names of the source);
--   'review'   a review action on a pull request (to_state: approved, changes_requested, commented);
--   'flag'     the item was flagged or unflagged as blocked (to_state: blocked, unblocked);
--   'assignee' the assignee changed (to_state: the new assignee's login, '' when unassigned);
--   'label'    a label was added (to_state) or removed (from_state).
-- Readers skip kinds they do not know, so later kinds need no migration.
CREATE TABLE transitions (
    item_id    TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,
    -- Orders changes recorded at the same instant (the source's order, e.g. changelog position).
    seq        INTEGER NOT NULL DEFAULT 0,
    kind       TEXT NOT NULL DEFAULT 'state',
    from_state TEXT,
    to_state   TEXT NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   TEXT REFERENCES people (id) ON DELETE SET NULL,
    PRIMARY KEY (item_id, event_id)
) WITHOUT ROWID;

-- Typed edges between items. from_item -> to_item reads "from blocks to", "from duplicates to",
-- "from is the parent of to", "from implements to", "from deploys to", "from relates to to".
CREATE TABLE links (
    from_item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    to_item_id   TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('blocks', 'duplicates', 'relates', 'parent', 'implements', 'deploys')),
    origin       TEXT NOT NULL CHECK (origin IN ('source', 'inferred', 'manual')),
    confidence   REAL NOT NULL DEFAULT 1.0,
    created_at   INTEGER NOT NULL,
    -- Set when the source no longer has the link; the row stays for history.
    removed_at   INTEGER,
    PRIMARY KEY (from_item_id, to_item_id, kind)
) WITHOUT ROWID;
CREATE INDEX links_to ON links (to_item_id);

-- Raw state -> flow state (and wait reason) per source, optionally per team ('' = every team).
CREATE TABLE workflow_maps (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL DEFAULT '',
    raw_state   TEXT NOT NULL,
    flow_state  TEXT NOT NULL CHECK (flow_state IN ('new', 'waiting', 'active', 'done', 'canceled')),
    wait_reason TEXT CHECK (wait_reason IN ('queue', 'review', 'approval', 'security', 'decision',
                    'dependency', 'blocked')),
    origin      TEXT NOT NULL DEFAULT 'inferred' CHECK (origin IN ('inferred', 'user')),
    PRIMARY KEY (source_id, team_id, raw_state)
) WITHOUT ROWID;

-- Local, human-made facts over synced data. Never overwritten by a sync, never cascaded away:
-- item_id is deliberately not a foreign key so a decision outlives its item at the source.
CREATE TABLE decisions (
    id         TEXT PRIMARY KEY NOT NULL,
    item_id    TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('owner_assigned', 'triage', 'duplicate_confirmed', 'note')),
    value      TEXT NOT NULL,
    author     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX decisions_item ON decisions (item_id);

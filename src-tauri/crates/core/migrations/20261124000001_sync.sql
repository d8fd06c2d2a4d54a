-- Sync, schema addition 1: rules as data (teams, provenance), links waiting for an endpoint,
-- compressed raw records, and more figures per sync run. Additive only.

-- Which team an item belongs to, from where it lives at the source. The first matching rule in
-- (priority, id) order wins. field: 'repo' (GitHub "owner/name"), 'project' (Jira key),
-- 'component' (Jira component name), 'label' (GitHub or Jira label).
-- pattern: case-insensitive; '*' matches any run of characters ("acme/pay*").
CREATE TABLE team_rules (
    id        TEXT PRIMARY KEY NOT NULL,
    -- NULL: the rule applies to every source.
    source_id TEXT REFERENCES sources (id) ON DELETE CASCADE,
    field     TEXT NOT NULL CHECK (field IN ('repo', 'project', 'component', 'label')),
    pattern   TEXT NOT NULL,
    team_id   TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    priority  INTEGER NOT NULL DEFAULT 100
);

-- How an item's provenance is recognised. signal: 'bot_login' (the author's login or name),
-- 'co_author' (a "Co-authored-by:" trailer in the description), 'label'. The matching rule with
-- the highest confidence wins; no match means human.
CREATE TABLE provenance_rules (
    id         TEXT PRIMARY KEY NOT NULL,
    signal     TEXT NOT NULL CHECK (signal IN ('bot_login', 'co_author', 'label')),
    pattern    TEXT NOT NULL,
    provenance TEXT NOT NULL CHECK (provenance IN ('human', 'ai_agent', 'automation')),
    agent      TEXT,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    -- 1 for the rules Baton ships; users may edit or delete them.
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);

INSERT INTO provenance_rules (id, signal, pattern, provenance, agent, confidence, builtin) VALUES
    ('builtin-login-copilot',   'bot_login', 'copilot*[bot]',              'ai_agent',   'GitHub Copilot', 0.95, 1),
    ('builtin-login-copilot2',  'bot_login', 'Copilot',                    'ai_agent',   'GitHub Copilot', 0.9,  1),
    ('builtin-login-claude',    'bot_login', 'claude*[bot]',               'ai_agent',   'Claude',         0.95, 1),
    ('builtin-login-devin',     'bot_login', 'devin-ai-integration[bot]',  'ai_agent',   'Devin',          0.95, 1),
    ('builtin-login-codex',     'bot_login', 'chatgpt-codex-connector[bot]', 'ai_agent', 'Codex',          0.95, 1),
    ('builtin-login-cursor',    'bot_login', 'cursor*[bot]',               'ai_agent',   'Cursor',         0.95, 1),
    ('builtin-login-jules',     'bot_login', 'google-labs-jules[bot]',     'ai_agent',   'Jules',          0.95, 1),
    ('builtin-login-sweep',     'bot_login', 'sweep-ai[bot]',              'ai_agent',   'Sweep',          0.9,  1),
    ('builtin-login-dependabot','bot_login', 'dependabot*',                'automation', 'Dependabot',     1.0,  1),
    ('builtin-login-renovate',  'bot_login', 'renovate*',                  'automation', 'Renovate',       1.0,  1),
    ('builtin-login-actions',   'bot_login', 'github-actions*',            'automation', 'GitHub Actions', 1.0,  1),
    ('builtin-login-anybot',    'bot_login', '*[bot]',                     'automation', NULL,             0.6,  1),
    ('builtin-coauthor-claude', 'co_author', '*claude*',                   'ai_agent',   'Claude',         0.8,  1),
    ('builtin-coauthor-copilot','co_author', '*copilot*',                  'ai_agent',   'GitHub Copilot', 0.8,  1),
    ('builtin-coauthor-cursor', 'co_author', '*cursor*',                   'ai_agent',   'Cursor',         0.8,  1),
    ('builtin-coauthor-devin',  'co_author', '*devin*',                    'ai_agent',   'Devin',          0.8,  1),
    ('builtin-coauthor-aider',  'co_author', '*aider*',                    'ai_agent',   'Aider',          0.8,  1),
    ('builtin-coauthor-codex',  'co_author', '*codex*',                    'ai_agent',   'Codex',          0.8,  1),
    ('builtin-label-ai',        'label',     'ai-generated',               'ai_agent',   NULL,             0.7,  1),
    ('builtin-label-ai2',       'label',     'ai generated',               'ai_agent',   NULL,             0.7,  1),
    ('builtin-label-agent',     'label',     'ai-agent',                   'ai_agent',   NULL,             0.7,  1),
    ('builtin-label-copilot',   'label',     'copilot',                    'ai_agent',   'GitHub Copilot', 0.6,  1),
    ('builtin-label-claude',    'label',     'claude',                     'ai_agent',   'Claude',         0.6,  1);

-- A link whose other end has not been synced (yet): promoted to `links` as soon as both ends
-- exist, in the transaction that writes the missing item.
CREATE TABLE pending_links (
    source_id    TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    from_item_id TEXT NOT NULL,
    to_item_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('blocks', 'duplicates', 'relates', 'parent', 'implements', 'deploys')),
    origin       TEXT NOT NULL CHECK (origin IN ('source', 'inferred', 'manual')),
    confidence   REAL NOT NULL DEFAULT 1.0,
    created_at   INTEGER NOT NULL,
    removed_at   INTEGER,
    PRIMARY KEY (from_item_id, to_item_id, kind)
) WITHOUT ROWID;
CREATE INDEX pending_links_to ON pending_links (to_item_id);

-- raw_records becomes a rowid table with a unique key, and gains `encoding`. Its rows are API
-- documents of 1-15 KB; in a WITHOUT ROWID table every row past about 1 KB spills into its own
-- overflow pages, which doubled the file and the bytes written per sync (measured: 552 MiB for
-- 271 MiB of payload). Nothing wrote raw records before this migration, but any rows are kept.
-- encoding: 'json' (text, as v1 wrote it) or 'lz4' (the same JSON bytes, LZ4 block-compressed
-- with the size prepended; about 3x smaller for API records).
CREATE TABLE raw_records_rowid (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    stream      TEXT NOT NULL,
    external_id TEXT NOT NULL,
    payload     BLOB NOT NULL,
    fetched_at  INTEGER NOT NULL,
    encoding    TEXT NOT NULL DEFAULT 'json' CHECK (encoding IN ('json', 'lz4'))
);
INSERT INTO raw_records_rowid (source_id, stream, external_id, payload, fetched_at, encoding)
    SELECT source_id, stream, external_id, payload, fetched_at, 'json' FROM raw_records;
DROP TABLE raw_records;
ALTER TABLE raw_records_rowid RENAME TO raw_records;
CREATE UNIQUE INDEX raw_records_key ON raw_records (source_id, stream, external_id);

-- More figures per run: requests sent, retries after errors, a machine-readable error code.
ALTER TABLE sync_runs ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN error_code TEXT;

-- Decisions, schema addition: what people decide is one append-only table with kinds; who asked
-- an AI agent for a piece of work is a synced fact of the item; provenance rules can read markers
-- in a description. Additive: no synced row is lost, and the few rows v1 allowed in `decisions`
-- (nothing wrote them) are kept under their new shape.

-- One row per decision, never updated or deleted: a later decision supersedes an earlier one, so
-- the history is the table and undo is a decision too ("revoked", superseding the one undone).
-- Kinds (readers skip kinds they do not know, so later kinds need no migration; hence no CHECK):
--   owner_set, accepted, rejected, deferred, duplicate_confirmed, duplicate_dismissed,
--   handoff_delivered, intent_linked, note, revoked, thresholds_set.
CREATE TABLE decisions_v2 (
    id              TEXT PRIMARY KEY NOT NULL,
    -- The item it is about; NULL for a decision about the whole workspace (triage thresholds).
    -- Deliberately not a foreign key: a decision outlives its item at the source.
    item_id         TEXT,
    kind            TEXT NOT NULL,
    -- JSON array of every item the decision concerns: the item first, then the others it names
    -- (the original of a duplicate, the upstream item of a handoff).
    covers          TEXT NOT NULL DEFAULT '[]',
    -- JSON array of the triage reasons (codes) it answers; empty when it answers none in particular.
    reasons         TEXT NOT NULL DEFAULT '[]',
    -- The earlier decision this one replaces or revokes.
    supersedes      TEXT,
    -- What the kind needs (owner, intent, the original of a duplicate, a note...), as JSON with
    -- its schema version: {"v": 1, ...}.
    payload         TEXT NOT NULL DEFAULT '{"v":1}',
    -- Who decided (the local user's name).
    actor           TEXT NOT NULL,
    -- Why, in the decider's words.
    why             TEXT NOT NULL DEFAULT '',
    -- Deferred until this instant (ms since the epoch, UTC).
    until_at        INTEGER,
    -- The item's data when the decision was taken (its update time at the source and its number
    -- of recorded changes): when the item changes past it, the decision no longer covers it.
    seen_updated_at INTEGER,
    seen_changes    INTEGER,
    created_at      INTEGER NOT NULL
);
INSERT INTO decisions_v2 (id, item_id, kind, covers, payload, actor, created_at)
    SELECT id, item_id,
           CASE kind WHEN 'owner_assigned' THEN 'owner_set' ELSE kind END,
           CASE WHEN item_id IS NULL THEN '[]' ELSE json_array(item_id) END,
           json_object('v', 0, 'value', value), author, created_at
    FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v2 RENAME TO decisions;
CREATE INDEX decisions_item ON decisions (item_id);
CREATE TRIGGER decisions_never_updated BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are never changed: record a new decision that supersedes it');
END;
CREATE TRIGGER decisions_never_deleted BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are never deleted: record a decision that revokes it');
END;

-- Who asked for a piece of AI-made work, as the item's own record says it (a "Requested by"
-- line in the description, a person co-authoring an agent's commits, a person who authored work
-- an agent made): written by the mapping like every synced field. Signals that live in other
-- records (the assignment that handed an issue to an agent) are derived when read.
-- requester_signal: 'pr_body', 'co_author', 'author'.
ALTER TABLE items ADD COLUMN requester_id TEXT REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE items ADD COLUMN requester_signal TEXT;

-- Provenance rules gain a signal: 'body_marker', a pattern in the description (the footer or
-- session link an agent writes). The table is rebuilt to widen its CHECK; rows are kept as edited.
CREATE TABLE provenance_rules_v2 (
    id         TEXT PRIMARY KEY NOT NULL,
    signal     TEXT NOT NULL CHECK (signal IN ('bot_login', 'co_author', 'label', 'body_marker')),
    pattern    TEXT NOT NULL,
    provenance TEXT NOT NULL CHECK (provenance IN ('human', 'ai_agent', 'automation')),
    agent      TEXT,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);
INSERT INTO provenance_rules_v2 (id, signal, pattern, provenance, agent, confidence, builtin)
    SELECT id, signal, pattern, provenance, agent, confidence, builtin FROM provenance_rules;
DROP TABLE provenance_rules;
ALTER TABLE provenance_rules_v2 RENAME TO provenance_rules;

INSERT OR IGNORE INTO provenance_rules (id, signal, pattern, provenance, agent, confidence, builtin) VALUES
    ('builtin-body-claude-code',  'body_marker', '*generated with*claude code*',  'ai_agent',   'Claude',             0.9,  1),
    ('builtin-body-claude-link',  'body_marker', '*claude.ai/code*',              'ai_agent',   'Claude',             0.9,  1),
    ('builtin-body-codex',        'body_marker', '*chatgpt.com/codex/tasks/*',    'ai_agent',   'Codex',              0.9,  1),
    ('builtin-body-devin',        'body_marker', '*app.devin.ai/sessions/*',      'ai_agent',   'Devin',              0.9,  1),
    ('builtin-body-cursor',       'body_marker', '*cursor.com/agents*',           'ai_agent',   'Cursor',             0.85, 1),
    ('builtin-body-cursor2',      'body_marker', '*cursor.com/background-agent*', 'ai_agent',   'Cursor',             0.85, 1),
    ('builtin-body-jules',        'body_marker', '*jules.google.com/task/*',      'ai_agent',   'Jules',              0.9,  1),
    ('builtin-login-amazon-q',    'bot_login',   'amazon-q-developer*',           'ai_agent',   'Amazon Q Developer', 0.95, 1),
    ('builtin-login-openhands',   'bot_login',   'openhands*',                    'ai_agent',   'OpenHands',          0.9,  1),
    ('builtin-login-codegen',     'bot_login',   'codegen-sh*',                   'ai_agent',   'Codegen',            0.9,  1),
    ('builtin-login-codex2',      'bot_login',   'codex*[bot]',                   'ai_agent',   'Codex',              0.9,  1),
    ('builtin-login-jira-auto',   'bot_login',   'Automation for Jira',           'automation', 'Jira Automation',    1.0,  1),
    ('builtin-login-jira-auto2',  'bot_login',   'Jira Automation',               'automation', 'Jira Automation',    1.0,  1),
    ('builtin-login-rovo',        'bot_login',   'Rovo*',                         'ai_agent',   'Atlassian Rovo',     0.9,  1),
    ('builtin-login-linear-bot',  'bot_login',   'linear*[bot]',                  'automation', 'Linear',             0.9,  1);

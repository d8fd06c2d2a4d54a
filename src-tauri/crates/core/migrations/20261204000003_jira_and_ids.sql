-- Jira as configured, stable item ids and robust pollers. Schema addition 3; existing rows are
-- migrated, nothing is lost.
--
-- 1. Items are keyed by the source's stable ids, not by names. An item id is
--      jira:<site host>/<Jira's numeric issue id>        jira:acme.atlassian.net/10234
--      gh:<host>/<numeric repository id>#<number>        gh:github.com/134018330#12
--    (github.com for api.github.com or an empty API root). The human key stays in items.key.
--    A moved Jira issue (PAY-12 -> OPS-7) or a renamed or transferred repository keeps its id.
--    `item_keys` maps every key an item is or was known by (qualified the same way:
--    jira:acme.atlassian.net/PAY-12, gh:github.com/acme/web#12) to its id, so a link that names
--    an item by a key, old or new, finds it; links and pending links may name an end by such a
--    key until it resolves.
--    Jira ids migrate here (external_id is Jira's numeric id). GitHub ids cannot: the numeric
--    repository id is only in the compressed raw records. They become the key form
--    (gh:github.com/acme/web#12) here and are re-keyed to the repository's id by the next sync
--    of their repository (connectors::github::adopt).
-- 2. workflow_maps gains `scope` (beside `item_kind`): a Jira project key for a status whose name means different
--    things in different projects (same name, different status categories), '' for every
--    project. Inferred Jira mappings are dropped: the next sync seeds them again from the
--    statuses' categories, which a name may refine but never overrule.
-- 3. sync_runs may end 'finished_with_errors' (some repositories or projects failed for good,
--    the rest synced); sync_cursors keep the last error of their stream.
-- 4. Jira sources with projects walk one stream per project (`issues:<KEY>`), each with its own
--    watermark, so one project that fails never holds the others back.

PRAGMA defer_foreign_keys = ON;

-- The id namespace of each source: the host of its URL, lower case, without port.
CREATE TEMP TABLE _ns (source_id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, ns TEXT NOT NULL);
INSERT INTO _ns (source_id, kind, ns)
WITH a AS (SELECT id, kind, lower(trim(base_url)) AS u FROM sources),
     b AS (SELECT id, kind, CASE WHEN instr(u, '://') > 0 THEN substr(u, instr(u, '://') + 3) ELSE u END AS r FROM a),
     c AS (SELECT id, kind, CASE WHEN instr(r, '/') > 0 THEN substr(r, 1, instr(r, '/') - 1) ELSE r END AS hp FROM b),
     d AS (SELECT id, kind, CASE WHEN instr(hp, '@') > 0 THEN substr(hp, instr(hp, '@') + 1) ELSE hp END AS hp FROM c),
     e AS (SELECT id, kind, CASE
               WHEN substr(hp, 1, 1) = '[' THEN substr(hp, 1, instr(hp, ']'))
               WHEN instr(hp, ':') > 0 THEN substr(hp, 1, instr(hp, ':') - 1)
               ELSE hp END AS host FROM d)
SELECT id, kind, CASE WHEN kind = 'github' AND host IN ('', 'api.github.com') THEN 'github.com' ELSE host END
FROM e;

-- Old id -> new id, for every synced or generated GitHub and Jira item.
CREATE TEMP TABLE _ids (old TEXT PRIMARY KEY NOT NULL, new TEXT NOT NULL);
INSERT INTO _ids (old, new)
SELECT i.id, 'jira:' || n.ns || '/' || i.external_id
FROM items i JOIN _ns n ON n.source_id = i.source_id
WHERE n.kind = 'jira' AND i.id LIKE 'jira:%' AND i.external_id <> '';
INSERT INTO _ids (old, new)
SELECT i.id, 'gh:' || n.ns || '/' || substr(i.id, 4)
FROM items i JOIN _ns n ON n.source_id = i.source_id
WHERE n.kind = 'github' AND i.id LIKE 'gh:%';

UPDATE items SET id = (SELECT new FROM _ids WHERE old = items.id)
WHERE id IN (SELECT old FROM _ids);
UPDATE transitions SET item_id = (SELECT new FROM _ids WHERE old = transitions.item_id)
WHERE item_id IN (SELECT old FROM _ids);
UPDATE links SET
    from_item_id = COALESCE((SELECT new FROM _ids WHERE old = links.from_item_id), from_item_id),
    to_item_id = COALESCE((SELECT new FROM _ids WHERE old = links.to_item_id), to_item_id)
WHERE from_item_id IN (SELECT old FROM _ids) OR to_item_id IN (SELECT old FROM _ids);
UPDATE decisions SET item_id = (SELECT new FROM _ids WHERE old = decisions.item_id)
WHERE item_id IN (SELECT old FROM _ids);

-- A pending link's missing end was named by its old id, which was its key: it becomes a key
-- reference in the namespace of the source that staged it, resolved when that item arrives.
UPDATE pending_links SET
    from_item_id = COALESCE((SELECT new FROM _ids WHERE old = pending_links.from_item_id),
        CASE
            WHEN from_item_id LIKE 'jira:%' THEN 'jira:' || (SELECT ns FROM _ns WHERE source_id = pending_links.source_id) || '/' || substr(from_item_id, 6)
            WHEN from_item_id LIKE 'gh:%' THEN 'gh:' || (SELECT ns FROM _ns WHERE source_id = pending_links.source_id) || '/' || substr(from_item_id, 4)
            ELSE from_item_id END),
    to_item_id = COALESCE((SELECT new FROM _ids WHERE old = pending_links.to_item_id),
        CASE
            WHEN to_item_id LIKE 'jira:%' THEN 'jira:' || (SELECT ns FROM _ns WHERE source_id = pending_links.source_id) || '/' || substr(to_item_id, 6)
            WHEN to_item_id LIKE 'gh:%' THEN 'gh:' || (SELECT ns FROM _ns WHERE source_id = pending_links.source_id) || '/' || substr(to_item_id, 4)
            ELSE to_item_id END);

-- Every key an item is or was known by, qualified by its source's namespace.
CREATE TABLE item_keys (
    ref     TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX item_keys_item ON item_keys (item_id);
INSERT OR REPLACE INTO item_keys (ref, item_id)
SELECT CASE n.kind WHEN 'jira' THEN 'jira:' ELSE 'gh:' END || n.ns || '/' || i.key, i.id
FROM items i JOIN _ns n ON n.source_id = i.source_id
WHERE n.kind IN ('jira', 'github') AND i.key <> '';

DROP TABLE _ids;

-- Workflow maps: per Jira project where a status name is ambiguous (kept per item kind, see
-- 20261204000002).
CREATE TABLE workflow_maps_scoped (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL DEFAULT '',
    item_kind   TEXT NOT NULL DEFAULT '' CHECK (item_kind IN ('', 'feature', 'defect', 'risk', 'debt',
                    'task', 'pull_request', 'review', 'approval', 'deployment', 'incident')),
    -- A Jira project key, or '' for every project.
    scope       TEXT NOT NULL DEFAULT '',
    raw_state   TEXT NOT NULL,
    flow_state  TEXT NOT NULL CHECK (flow_state IN ('new', 'waiting', 'active', 'done', 'canceled')),
    wait_reason TEXT CHECK (wait_reason IN ('queue', 'review', 'approval', 'security', 'decision',
                    'dependency', 'blocked')),
    origin      TEXT NOT NULL DEFAULT 'inferred' CHECK (origin IN ('inferred', 'user')),
    PRIMARY KEY (source_id, team_id, item_kind, scope, raw_state)
) WITHOUT ROWID;
INSERT INTO workflow_maps_scoped (source_id, team_id, item_kind, scope, raw_state, flow_state, wait_reason, origin)
SELECT source_id, team_id, item_kind, '', raw_state, flow_state, wait_reason, origin FROM workflow_maps
WHERE NOT (origin = 'inferred' AND source_id IN (SELECT id FROM sources WHERE kind = 'jira' AND synthetic = 0));
DROP TABLE workflow_maps;
ALTER TABLE workflow_maps_scoped RENAME TO workflow_maps;

-- Runs that finished with some streams failed.
CREATE TABLE sync_runs_v3 (
    id                 TEXT PRIMARY KEY NOT NULL,
    source_id          TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER,
    status             TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'canceled',
                           'finished_with_errors')),
    pages              INTEGER NOT NULL DEFAULT 0,
    items              INTEGER NOT NULL DEFAULT 0,
    rate_limit_waits   INTEGER NOT NULL DEFAULT 0,
    rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0,
    error              TEXT,
    requests           INTEGER NOT NULL DEFAULT 0,
    retries            INTEGER NOT NULL DEFAULT 0,
    error_code         TEXT
);
INSERT INTO sync_runs_v3 (id, source_id, started_at, ended_at, status, pages, items, rate_limit_waits,
    rate_limit_wait_ms, error, requests, retries, error_code)
SELECT id, source_id, started_at, ended_at, status, pages, items, rate_limit_waits,
    rate_limit_wait_ms, error, requests, retries, error_code FROM sync_runs;
DROP TABLE sync_runs;
ALTER TABLE sync_runs_v3 RENAME TO sync_runs;
CREATE INDEX sync_runs_source ON sync_runs (source_id, started_at);

-- The last error of a stream that failed for good (cleared when it syncs again).
ALTER TABLE sync_cursors ADD COLUMN error_code TEXT;
ALTER TABLE sync_cursors ADD COLUMN error TEXT;
ALTER TABLE sync_cursors ADD COLUMN failed_at INTEGER;

-- One issues stream per Jira project, starting from the shared stream's watermark (a walk in
-- progress starts again from it).
INSERT OR IGNORE INTO sync_cursors (source_id, stream, watermark, etag, page_token, updated_at)
SELECT c.source_id, 'issues:' || p.value, c.watermark, NULL, NULL, c.updated_at
FROM sync_cursors c
JOIN (SELECT id, scope FROM sources WHERE kind = 'jira' AND json_valid(scope)) s ON s.id = c.source_id,
     json_each(s.scope, '$.projects') p
WHERE c.stream = 'issues' AND trim(p.value) <> '';
DELETE FROM sync_cursors
WHERE stream = 'issues' AND source_id IN (
    SELECT id FROM sources WHERE kind = 'jira' AND json_valid(scope)
        AND COALESCE(json_array_length(scope, '$.projects'), 0) > 0);

DROP TABLE _ns;

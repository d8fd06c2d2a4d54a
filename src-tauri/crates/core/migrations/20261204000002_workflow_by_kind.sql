-- The workflow map is keyed by item kind as well as raw state, so that an open pull request and
-- an open issue can mean different things (GitHub calls both "open"). item_kind is '' for the
-- mapping of every kind (every row written before this migration) or an item kind
-- ('pull_request', 'feature', ...) for that kind's own mapping. A mapping is looked up most
-- specific first: (team, kind), (team, every kind), (every team, kind), (every team, every kind).
--
-- SQLite cannot change a primary key: the table is rebuilt and every row is kept, as the
-- mapping of every kind. Links gain found_in: where the link was found at its source (a pull
-- request's description, a timeline's cross-reference, ...); NULL for links written before.

CREATE TABLE workflow_maps_by_kind (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL DEFAULT '',
    item_kind   TEXT NOT NULL DEFAULT '' CHECK (item_kind IN ('', 'feature', 'defect', 'risk', 'debt',
                    'task', 'pull_request', 'review', 'approval', 'deployment', 'incident')),
    raw_state   TEXT NOT NULL,
    flow_state  TEXT NOT NULL CHECK (flow_state IN ('new', 'waiting', 'active', 'done', 'canceled')),
    wait_reason TEXT CHECK (wait_reason IN ('queue', 'review', 'approval', 'security', 'decision',
                    'dependency', 'blocked')),
    origin      TEXT NOT NULL DEFAULT 'inferred' CHECK (origin IN ('inferred', 'user')),
    PRIMARY KEY (source_id, team_id, item_kind, raw_state)
) WITHOUT ROWID;

INSERT INTO workflow_maps_by_kind (source_id, team_id, item_kind, raw_state, flow_state, wait_reason, origin)
    SELECT source_id, team_id, '', raw_state, flow_state, wait_reason, origin FROM workflow_maps;

DROP TABLE workflow_maps;
ALTER TABLE workflow_maps_by_kind RENAME TO workflow_maps;

-- An open pull request on GitHub is ready and waits for review (a draft is being worked on);
-- an open issue is not started. Existing GitHub sources get the pull requests' own meaning of
-- "open" now, unless a person already mapped "open" for every kind.
INSERT OR IGNORE INTO workflow_maps (source_id, team_id, item_kind, raw_state, flow_state, wait_reason, origin)
    SELECT s.id, '', 'pull_request', 'open', 'waiting', 'review', 'inferred'
    FROM sources s
    WHERE s.kind = 'github'
      AND NOT EXISTS (SELECT 1 FROM workflow_maps m
                      WHERE m.source_id = s.id AND m.team_id = '' AND m.item_kind = ''
                        AND m.raw_state = 'open' AND m.origin = 'user');

-- The stored current state of open pull requests follows (the most specific mapping wins).
UPDATE items SET
    flow_state = (SELECT m.flow_state FROM workflow_maps m
                  WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                    AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                  ORDER BY m.team_id = '', m.item_kind = '' LIMIT 1),
    wait_reason = (SELECT m.wait_reason FROM workflow_maps m
                   WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                     AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind)
                   ORDER BY m.team_id = '', m.item_kind = '' LIMIT 1)
WHERE kind = 'pull_request' AND raw_state = 'open'
  AND source_id IN (SELECT id FROM sources WHERE kind = 'github')
  AND EXISTS (SELECT 1 FROM workflow_maps m
              WHERE m.source_id = items.source_id AND m.raw_state = items.raw_state
                AND m.team_id IN ('', COALESCE(items.team_id, '')) AND m.item_kind IN ('', items.kind));

ALTER TABLE links ADD COLUMN found_in TEXT;
ALTER TABLE pending_links ADD COLUMN found_in TEXT;

-- Intents (issue 12): goals, initiatives and milestones imported from the sources or made in
-- Baton, the work linked to them and how each link was made. Additive: existing intents and
-- links are kept (as Baton's intents and as source links).

-- Where an intent comes from. origin 'source': imported (a Jira epic or initiative, a GitHub
-- milestone), keyed by (source_id, external_id) so a re-sync updates it; 'baton': made in Baton.
-- source_key is the key the source shows (PAY-12, acme/pay milestone 3); source_parent the
-- external id of its parent at the source, resolved to parent_id whenever either is synced.
ALTER TABLE intents ADD COLUMN origin TEXT NOT NULL DEFAULT 'baton' CHECK (origin IN ('source', 'baton'));
ALTER TABLE intents ADD COLUMN source_id TEXT REFERENCES sources (id) ON DELETE SET NULL;
ALTER TABLE intents ADD COLUMN external_id TEXT;
ALTER TABLE intents ADD COLUMN source_key TEXT;
ALTER TABLE intents ADD COLUMN source_parent TEXT;
ALTER TABLE intents ADD COLUMN url TEXT NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN success_measure TEXT NOT NULL DEFAULT '';
-- 1 is the highest priority; NULL: none given.
ALTER TABLE intents ADD COLUMN priority INTEGER;
-- The order among its siblings (ascending), as people arranged it.
ALTER TABLE intents ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN archived_at INTEGER;
CREATE UNIQUE INDEX intents_source ON intents (source_id, external_id) WHERE external_id IS NOT NULL;

-- What people did to intents in Baton, never changed or deleted: each row says who, when, why
-- and which fields it set (JSON object of field -> value; a field named here is the person's
-- decision, which a sync never overwrites). action: created, edited, archived, restored,
-- reordered, rule_added, rule_removed.
CREATE TABLE intent_edits (
    id         TEXT PRIMARY KEY NOT NULL,
    -- Deliberately not a foreign key: the record outlives the intent.
    intent_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    fields     TEXT NOT NULL DEFAULT '{}',
    actor      TEXT NOT NULL,
    why        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX intent_edits_intent ON intent_edits (intent_id);
CREATE TRIGGER intent_edits_never_updated BEFORE UPDATE ON intent_edits
BEGIN
    SELECT RAISE(ABORT, 'intent edits are never changed: record a new edit');
END;
CREATE TRIGGER intent_edits_never_deleted BEFORE DELETE ON intent_edits
BEGIN
    SELECT RAISE(ABORT, 'intent edits are never deleted: record a new edit');
END;

-- Rules that link work to an intent: an item one of whose facts (field) matches the pattern
-- (case-insensitive, * for any run of characters) serves the intent. The first rule by position
-- that matches wins.
CREATE TABLE intent_rules (
    id         TEXT PRIMARY KEY NOT NULL,
    intent_id  TEXT NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    field      TEXT NOT NULL CHECK (field IN ('epic', 'parent', 'label', 'component', 'repository', 'project')),
    pattern    TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    why        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

-- How each item is linked to an intent, one row per way (how):
--   'source' the source says so (a Jira parent epic or initiative, a GitHub milestone): intent_id
--            when known, else source_ref (the intent's external id or key at the item's source,
--            resolved when that intent is synced); written by the sync only;
--   'rule'   an intent rule matched (rule_id); written when rules or the item's facts change;
--   'hand'   a person decided (decision_id: the decision in `decisions`); intent_id NULL means
--            deliberately not aligned to any intent (unaligned: maintenance, support, ...).
-- The item's effective intent (items.intent_id) is the hand link, else the rule link, else the
-- source link; a sync never writes the rule or hand rows.
CREATE TABLE intent_links (
    item_id     TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    how         TEXT NOT NULL CHECK (how IN ('source', 'rule', 'hand')),
    intent_id   TEXT REFERENCES intents (id) ON DELETE CASCADE,
    source_ref  TEXT,
    rule_id     TEXT,
    decision_id TEXT,
    unaligned   TEXT,
    actor       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (item_id, how)
) WITHOUT ROWID;
CREATE INDEX intent_links_intent ON intent_links (intent_id);

-- What intent rules match on, as the mapping reads it from the item's record: field is 'epic'
-- (the key of the epic or higher-level issue it sits under), 'parent' (its parent's key),
-- 'label', 'component', 'repository' (owner/name), 'project' (a Jira project key).
CREATE TABLE item_facets (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    field   TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (item_id, field, value)
) WITHOUT ROWID;

-- Links that existed before: the items' intents become source links, people's intent decisions
-- hand links (the latest one not taken back).
INSERT INTO intent_links (item_id, how, intent_id, actor, created_at)
    SELECT id, 'source', intent_id, '', updated_at FROM items WHERE intent_id IS NOT NULL;
INSERT OR REPLACE INTO intent_links (item_id, how, intent_id, decision_id, actor, created_at)
    SELECT d.item_id, 'hand', json_extract(d.payload, '$.intent'), d.id, d.actor, d.created_at
    FROM decisions d
    WHERE d.kind = 'intent_linked' AND d.item_id IN (SELECT id FROM items)
      AND json_extract(d.payload, '$.intent') IN (SELECT id FROM intents)
      AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.kind = 'revoked' AND r.supersedes = d.id)
      AND d.created_at = (SELECT MAX(e.created_at) FROM decisions e
                          WHERE e.kind = 'intent_linked' AND e.item_id = d.item_id);
UPDATE items SET intent_id = (SELECT l.intent_id FROM intent_links l WHERE l.item_id = items.id AND l.how = 'hand')
    WHERE id IN (SELECT item_id FROM intent_links WHERE how = 'hand');

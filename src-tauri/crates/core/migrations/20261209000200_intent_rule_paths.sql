-- Intent rules on paths (issue 12): a rule may match the files a change touches (`path`, read
-- from `item_paths`), besides the facets of `item_facets`. SQLite cannot change a CHECK
-- constraint in place, so the table is made again with the wider one and its rows copied
-- (nothing references intent_rules: intent_links.rule_id is a plain column).
CREATE TABLE intent_rules_new (
    id         TEXT PRIMARY KEY NOT NULL,
    intent_id  TEXT NOT NULL REFERENCES intents (id) ON DELETE CASCADE,
    field      TEXT NOT NULL CHECK (field IN ('epic', 'parent', 'label', 'component', 'repository', 'project', 'path')),
    pattern    TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    actor      TEXT NOT NULL,
    why        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
INSERT INTO intent_rules_new (id, intent_id, field, pattern, position, actor, why, created_at)
    SELECT id, intent_id, field, pattern, position, actor, why, created_at FROM intent_rules;
DROP TABLE intent_rules;
ALTER TABLE intent_rules_new RENAME TO intent_rules;

-- Which of people's conflict rule sets were saved (issue 14). A row 'sensitive_paths' says the
-- sensitive paths were edited: from then on `sensitive_paths` is the whole set, even empty (all
-- removed on purpose); without it the defaults apply (security, payments, migrations). A sync
-- never writes here.
CREATE TABLE conflict_rule_sets (
    name       TEXT PRIMARY KEY NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One person across sources (issue 8): what each source says of a login, to match people
-- across sources, and the identities a user kept apart.

-- The e-mail address the source gives for the login (Jira's emailAddress when the account's
-- privacy settings show it; GitHub's REST lists give none), lower-cased; NULL when unknown.
ALTER TABLE identities ADD COLUMN email TEXT;
-- The name the source shows for the login (Jira's displayName; GitHub: the login).
ALTER TABLE identities ADD COLUMN display_name TEXT;

-- Identities a user split off a person: automatic matching never merges them again. A later
-- merge by hand removes the row.
CREATE TABLE person_splits (
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    login     TEXT NOT NULL,
    split_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, login)
) WITHOUT ROWID;

-- Deployments waiting for a required reviewer (issue 11: GitHub environment approvals as pending
-- approvals). One row per waiting workflow run, environment and reviewer, as the repository's
-- `actions/runs?status=waiting` and each run's `pending_deployments` say now. Written by the sync
-- only, as a snapshot: each sync replaces a repository's rows whole (a run no longer waiting has
-- none). `scope` is the repository (`<namespace>/<repository id>`); `reviewer` the login (lower
-- case) or `team:<slug>`; `since` the run's `updated_at` (GitHub says no "waiting since");
-- `items` a JSON array of the ids of the run's pull requests of that repository (may be empty).
-- Answers people record in Baton live in `decisions`, never here.
CREATE TABLE deployment_approvals (
    source_id   TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scope       TEXT NOT NULL,
    run_id      INTEGER NOT NULL,
    environment TEXT NOT NULL,
    reviewer    TEXT NOT NULL,
    person_id   TEXT,
    repo        TEXT NOT NULL,
    run_name    TEXT NOT NULL,
    run_number  INTEGER NOT NULL,
    run_url     TEXT NOT NULL,
    since       INTEGER NOT NULL,
    items       TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (source_id, scope, run_id, environment, reviewer)
) WITHOUT ROWID;

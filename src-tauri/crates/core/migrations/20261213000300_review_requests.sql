-- Reviews asked for and not answered yet (issue 11: GitHub's requested reviewers as pending
-- approvals). One row per open pull request and reviewer still asked, as its source's timeline
-- says now: a person (person_id, their login in reviewer) or a team (reviewer `team:<slug>`).
-- Written by the sync only, from the pull request's whole timeline each time it is read (an
-- item's rows are replaced with its lifecycle), so a fresh sync and an incremental one give the
-- same rows. Answers people record in Baton live in `decisions`, never here.
CREATE TABLE review_requests (
    item_id      TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    reviewer     TEXT NOT NULL,
    person_id    TEXT,
    requested_at INTEGER NOT NULL,
    requested_by TEXT,
    PRIMARY KEY (item_id, reviewer)
) WITHOUT ROWID;

-- Governance: policies are data in the workspace. One row per policy of the set, its body the
-- typed policy as JSON ({"v": 1, ...}: the file format's version). `version` counts the edits of
-- the row (1 when first saved); `position` keeps the set's order. While the table is empty the
-- default set (defined in code, `governance::policy::defaults`) applies.
CREATE TABLE policies (
    name       TEXT PRIMARY KEY NOT NULL,
    position   INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Working hours and holidays per team, in the team's time zone, for the time-based policies.
-- team_id '' is the calendar of every team without one of its own. Not a foreign key: the
-- calendar of a team that no longer exists is kept (and ignored) like a policy scoped to it.
CREATE TABLE work_calendars (
    team_id    TEXT PRIMARY KEY NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

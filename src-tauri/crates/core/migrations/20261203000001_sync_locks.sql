-- Sync locks: at most one sync of a source at a time, across processes (the app and `baton
-- sync`, or two `baton sync`). Additive only.
--
-- A run takes its source's row in the transaction that records the run's start, refreshes
-- heartbeat_at while it runs, and deletes the row in the transaction that records its end. A row
-- whose owner is gone (its pid no longer alive on this host) or silent (heartbeat_at older than
-- two minutes) is stale: the next run takes it over, and only then closes the stale runs as
-- interrupted. Times are ms since the epoch on the owner's wall clock.
CREATE TABLE sync_locks (
    source_id    TEXT PRIMARY KEY NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    owner_pid    INTEGER NOT NULL,
    hostname     TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    acquired_at  INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);

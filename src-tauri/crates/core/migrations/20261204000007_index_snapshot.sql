-- The work index's snapshot: what proves a saved index current. Additive only.
--
-- One row. `uid` names the workspace (random, set once); `writes` counts the committed writes
-- that changed what the in-memory index holds, and `version` is a fresh random value set by
-- each of them. `Workspace::write` bumps both inside the write's own transaction, so every
-- process that writes through Baton (the app, `baton sync`, `baton demo`) moves them, and a
-- Baton that does not know this table refuses the file (its migration is unknown to it). A
-- snapshot of the index is trusted only when it names the same uid, writes and version (and
-- passes its other checks, see `graph/snapshot.rs`); two different histories never share a
-- version, even with the same number of writes.
CREATE TABLE meta (
    id      INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    uid     TEXT NOT NULL,
    writes  INTEGER NOT NULL,
    version TEXT NOT NULL
);

INSERT INTO meta (id, uid, writes, version)
VALUES (1, lower(hex(randomblob(16))), 0, lower(hex(randomblob(16))));

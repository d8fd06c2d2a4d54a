-- What each item's description says, for comparing work (duplicates, issue 14).
--
-- Not the description itself (GitHub bodies reach 65,536 characters, Jira's rich text more):
-- its distinct words, normalised as the duplicates engine normalises titles, summed up as a
-- MinHash signature of 64 one-byte values (`duplicates::text::describe`), and how many distinct
-- words it has. scheme names the normalisation and signature (rows of another scheme are read as
-- absent until the next sync writes them again). Written by the sync (and the demo) for every
-- item its mapping reads a description of, replaced at each read (an emptied description gets
-- words = 0). An item without a row has no known description (synced before this table, or a
-- source whose mapping reads none): it is compared by its title alone.
CREATE TABLE item_texts (
    item_id   TEXT PRIMARY KEY NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    words     INTEGER NOT NULL,
    signature BLOB NOT NULL,
    scheme    INTEGER NOT NULL
) WITHOUT ROWID;

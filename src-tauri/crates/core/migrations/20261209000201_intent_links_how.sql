-- The hand and rule links (a few hundred among one source link per item) found by index: the
-- Intents page reads them at every question, and a scan of every link cost it about as much as
-- the rest of the page's reads together at 200,000 items.
CREATE INDEX intent_links_how ON intent_links (how);

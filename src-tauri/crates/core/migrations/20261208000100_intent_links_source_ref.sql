-- Items whose source link names an intent's ref (`repo::intents::items_naming`, when a sync page
-- brings an intent that is new or known by other refs): found by index, not by a scan of every
-- link.
CREATE INDEX intent_links_source_ref ON intent_links (source_ref) WHERE how = 'source';

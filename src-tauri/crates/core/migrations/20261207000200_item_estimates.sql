-- The size a source gives an item, in its own unit: Jira story points (the "Story Points" or
-- "Story point estimate" field), GitLab weight, a file's estimate column. NULL when it gives
-- none. Synced (a sync replaces it); the Intents page counts progress in it where items have it.
ALTER TABLE items ADD COLUMN estimate REAL;

-- Decisions follow their items when an item's id changes (issue 8, stable ids). Decisions are
-- never changed, with one exception: when a source's stable id replaces an item's id (a
-- workspace from before stable ids whose GitHub items were keyed by the repository's name, see
-- 20261204000003_jira_and_ids.sql and `graph::repo::items::rekey`), the decisions that name the
-- item must name it by its new id, or its next sync fails on this trigger and the decision is
-- lost to it. So an update passes when it changes nothing but `item_id` and `covers`, and only
-- from ids no item has any more to ids that an item has. Every other update is refused as before.
DROP TRIGGER decisions_never_updated;
CREATE TRIGGER decisions_never_updated BEFORE UPDATE ON decisions
WHEN NOT (
    NEW.id IS OLD.id AND NEW.kind IS OLD.kind AND NEW.reasons IS OLD.reasons
    AND NEW.supersedes IS OLD.supersedes AND NEW.payload IS OLD.payload AND NEW.actor IS OLD.actor
    AND NEW.why IS OLD.why AND NEW.until_at IS OLD.until_at
    AND NEW.seen_updated_at IS OLD.seen_updated_at AND NEW.seen_changes IS OLD.seen_changes
    AND NEW.created_at IS OLD.created_at
    AND (NEW.item_id IS OLD.item_id
         OR (OLD.item_id IS NOT NULL AND NEW.item_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM items WHERE id = OLD.item_id)
             AND EXISTS (SELECT 1 FROM items WHERE id = NEW.item_id)))
    AND json_valid(NEW.covers)
    AND json_array_length(NEW.covers) = json_array_length(OLD.covers)
    AND NOT EXISTS (
        SELECT 1 FROM json_each(NEW.covers) n
        WHERE n.value NOT IN (SELECT value FROM json_each(OLD.covers))
          AND NOT EXISTS (SELECT 1 FROM items WHERE id = n.value))
    AND NOT EXISTS (
        SELECT 1 FROM json_each(OLD.covers) o
        WHERE o.value NOT IN (SELECT value FROM json_each(NEW.covers))
          AND EXISTS (SELECT 1 FROM items WHERE id = o.value))
)
BEGIN
    SELECT RAISE(ABORT, 'decisions are never changed: record a new decision that supersedes it');
END;

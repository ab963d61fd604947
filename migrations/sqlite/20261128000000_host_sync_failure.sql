-- Why the last full inventory pass of a host failed, and when; both NULL once a pass
-- succeeds. `last_synced_at` (from the inventory migration) now records every successful
-- pass, also those that found nothing to change.
ALTER TABLE hosts ADD COLUMN sync_error TEXT;
ALTER TABLE hosts ADD COLUMN sync_failed_at TEXT;

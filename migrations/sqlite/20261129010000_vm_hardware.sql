-- A VM's CPU topology, lifecycle actions, video, TPM and host devices, as one JSON document
-- (model::VmHardware): shown on its page, never searched or sorted by. The config hash covers
-- it, so the first pass after this migration fills it for every VM.
ALTER TABLE vms ADD COLUMN hardware TEXT NOT NULL DEFAULT '{}';

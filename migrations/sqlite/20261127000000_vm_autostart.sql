-- Whether the host starts the VM when it boots; read in every sync from then on. Rows of
-- earlier syncs read "off" until their host's next sync, which rewrites every VM anyway
-- because the config hash now covers the flag.
ALTER TABLE vms ADD COLUMN autostart INTEGER NOT NULL DEFAULT 0;

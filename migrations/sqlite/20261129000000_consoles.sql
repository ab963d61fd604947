-- Serial ports and text consoles of a VM (F8 "consoles"; graphics has its own table). A pty's
-- path is not kept: it is a running VM's, given anew at each start. The VMs' config hash now
-- covers these rows, so the first pass after this migration rewrites every VM once and fills
-- the table.
CREATE TABLE consoles (
    vm_id       TEXT NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    kind        TEXT NOT NULL,                  -- serial | console
    target_type TEXT,
    port        INTEGER,
    source_type TEXT NOT NULL,
    source      TEXT,
    PRIMARY KEY (vm_id, ordinal)
);

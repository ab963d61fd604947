-- The normalized inventory: what runs on each host, refreshed by sync. Rows are written only
-- when something changed (config_hash, state), so a no-change re-sync writes nothing.
ALTER TABLE hosts ADD COLUMN last_synced_at TEXT;

CREATE TABLE vms (
    id                   TEXT PRIMARY KEY NOT NULL,
    host_id              TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    title                TEXT,
    description          TEXT,
    state                TEXT NOT NULL,
    persistent           INTEGER NOT NULL,
    managed              INTEGER NOT NULL DEFAULT 0 CHECK (managed IN (0, 1)),
    dismissed            INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1)),
    vcpus                INTEGER NOT NULL,
    current_vcpus        INTEGER NOT NULL,
    memory_bytes         INTEGER NOT NULL,
    current_memory_bytes INTEGER NOT NULL,
    max_memory_bytes     INTEGER,
    firmware             TEXT NOT NULL,
    os_type              TEXT NOT NULL,
    arch                 TEXT,
    machine              TEXT,
    cpu_mode             TEXT,
    cpu_model            TEXT,
    boot_devices         TEXT NOT NULL,           -- JSON array
    config_hash          TEXT NOT NULL,
    gone_at              TEXT,                    -- set when the VM vanished from its host
    last_seen_at         TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (host_id, uuid)
);
CREATE INDEX vms_name ON vms (name COLLATE NOCASE);
CREATE INDEX vms_managed_host ON vms (managed, host_id);
CREATE INDEX vms_state ON vms (state);

-- Storage objects a VM disk refers to, shared between VMs (shareable disks).
CREATE TABLE disks (
    id               INTEGER PRIMARY KEY,
    host_id          TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    source_key       TEXT NOT NULL,              -- path, pool/volume or protocol://host/name
    kind             TEXT NOT NULL,
    source_path      TEXT,
    pool             TEXT,
    volume           TEXT,
    protocol         TEXT,
    remote_name      TEXT,
    format           TEXT,
    capacity_bytes   INTEGER,
    allocation_bytes INTEGER,
    UNIQUE (host_id, source_key)
);

CREATE TABLE disk_attachments (
    vm_id      TEXT NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    disk_id    INTEGER REFERENCES disks (id) ON DELETE SET NULL,   -- NULL: empty CD-ROM
    device     TEXT NOT NULL,
    target     TEXT NOT NULL,
    bus        TEXT,
    readonly   INTEGER NOT NULL,
    shareable  INTEGER NOT NULL,
    boot_order INTEGER,
    serial     TEXT,
    PRIMARY KEY (vm_id, ordinal)
);
CREATE INDEX disk_attachments_disk ON disk_attachments (disk_id);

CREATE TABLE nics (
    vm_id            TEXT NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    ordinal          INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    mac              TEXT,
    model            TEXT,
    network          TEXT,
    bridge           TEXT,
    portgroup        TEXT,
    source_dev       TEXT,
    source_mode      TEXT,
    vlan_tags        TEXT NOT NULL,              -- JSON array of tag ids
    trunk            INTEGER NOT NULL,
    native_vlan      INTEGER,
    virtualport_type TEXT,
    interface_id     TEXT,
    target_dev       TEXT,
    link_state       TEXT,
    PRIMARY KEY (vm_id, ordinal)
);
CREATE INDEX nics_mac ON nics (mac);
CREATE INDEX nics_network ON nics (network, portgroup);

CREATE TABLE graphics (
    vm_id        TEXT NOT NULL REFERENCES vms (id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    port         INTEGER,
    autoport     INTEGER NOT NULL,
    listen       TEXT,
    has_password INTEGER NOT NULL,
    PRIMARY KEY (vm_id, ordinal)
);

CREATE TABLE networks (
    id               INTEGER PRIMARY KEY,
    host_id          TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid             TEXT NOT NULL,
    name             TEXT NOT NULL,
    forward_mode     TEXT NOT NULL,
    bridge           TEXT,
    virtualport_type TEXT,
    active           INTEGER NOT NULL,
    autostart        INTEGER NOT NULL,
    ip_ranges        TEXT NOT NULL,              -- JSON array
    config_hash      TEXT NOT NULL,
    UNIQUE (host_id, uuid)
);

CREATE TABLE portgroups (
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    is_default  INTEGER NOT NULL,
    vlan_tags   TEXT NOT NULL,                   -- JSON array
    trunk       INTEGER NOT NULL,
    native_vlan INTEGER,
    PRIMARY KEY (network_id, name)
);

CREATE TABLE storage_pools (
    id               INTEGER PRIMARY KEY,
    host_id          TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
    uuid             TEXT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    active           INTEGER NOT NULL,
    autostart        INTEGER NOT NULL,
    path             TEXT,
    capacity_bytes   INTEGER,
    allocation_bytes INTEGER,
    available_bytes  INTEGER,
    config_hash      TEXT NOT NULL,
    UNIQUE (host_id, uuid)
);

CREATE TABLE volumes (
    pool_id          INTEGER NOT NULL REFERENCES storage_pools (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    vol_key          TEXT,
    path             TEXT,
    format           TEXT,
    capacity_bytes   INTEGER NOT NULL,
    allocation_bytes INTEGER,
    PRIMARY KEY (pool_id, name)
);

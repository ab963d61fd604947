-- Hosts: libvirt endpoints. Runtime state is persisted so the API can answer from the
-- database alone; auto_connect = 0 records a user's disconnect across restarts.
CREATE TABLE hosts (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL,
    uri                  TEXT NOT NULL,
    key_file             TEXT,
    host_key_type        TEXT,
    host_key_fingerprint TEXT,
    auto_connect         INTEGER NOT NULL DEFAULT 1 CHECK (auto_connect IN (0, 1)),
    state                TEXT NOT NULL DEFAULT 'disconnected'
                         CHECK (state IN ('connecting', 'connected', 'disconnected', 'error')),
    state_reason         TEXT,
    facts                TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    last_connected_at    TEXT,
    CHECK ((host_key_type IS NULL) = (host_key_fingerprint IS NULL))
);
CREATE UNIQUE INDEX hosts_name_unique ON hosts (name COLLATE NOCASE);
CREATE UNIQUE INDEX hosts_uri_unique ON hosts (uri);

-- One-off facts about this database (e.g. whether the demo host was seeded).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

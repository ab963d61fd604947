-- Tasks: every change made through Virtumancer, kept as history. Ids are UUIDv7, so ordering
-- by id is ordering by creation time.
CREATE TABLE tasks (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    vm_id        TEXT REFERENCES vms (id) ON DELETE SET NULL,
    host_id      TEXT REFERENCES hosts (id) ON DELETE SET NULL,
    target_name  TEXT NOT NULL,
    parent_id    TEXT REFERENCES tasks (id) ON DELETE CASCADE,
    requested_by TEXT NOT NULL,
    state        TEXT NOT NULL
                 CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress     INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    message      TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);
CREATE INDEX tasks_vm ON tasks (vm_id, id);
CREATE INDEX tasks_parent ON tasks (parent_id, id);
-- Only unfinished tasks are looked up by state (restart recovery, "running" filters).
CREATE INDEX tasks_unfinished ON tasks (state) WHERE state IN ('queued', 'running');

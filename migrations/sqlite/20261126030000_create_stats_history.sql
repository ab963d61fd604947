-- Downsampled usage history: 1-minute averages kept for a day, 10-minute averages for a week.
-- The live samples stay in memory; these rows are what graphs over hours and days read.
CREATE TABLE stats_history (
    target_kind       TEXT NOT NULL CHECK (target_kind IN ('vm', 'host')),
    target_id         TEXT NOT NULL,
    resolution_secs   INTEGER NOT NULL CHECK (resolution_secs IN (60, 600)),
    bucket            INTEGER NOT NULL,            -- Unix seconds at the start of the bucket
    samples           INTEGER NOT NULL,
    cpu_percent       REAL,
    memory_used_bytes REAL,
    disk_read_bps     REAL,
    disk_write_bps    REAL,
    net_rx_bps        REAL,
    net_tx_bps        REAL,
    PRIMARY KEY (target_kind, target_id, resolution_secs, bucket)
) WITHOUT ROWID;
CREATE INDEX stats_history_age ON stats_history (resolution_secs, bucket);

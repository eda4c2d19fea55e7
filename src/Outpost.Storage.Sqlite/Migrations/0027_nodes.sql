-- The node's row, written by its heartbeat, as on PostgreSQL (on SQLite there is one node): `outpost nodes`
-- and the Nodes page read it. Times in Unix milliseconds.
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    host TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    last_beat INTEGER NOT NULL
);

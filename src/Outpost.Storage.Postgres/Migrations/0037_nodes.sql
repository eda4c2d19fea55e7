-- One row per node sharing this database, written by its heartbeat: `outpost nodes` and the Nodes page
-- read it. The leases a node holds are counted from recipients (lease_node), not kept here.
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    host TEXT NOT NULL,
    started_at timestamptz NOT NULL,
    last_beat timestamptz NOT NULL
);

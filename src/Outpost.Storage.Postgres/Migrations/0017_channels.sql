-- Outbound channels and their health on PostgreSQL (issue 15, items 2 and 5), as the SQLite back end
-- keeps them (its migration 0004). Health is per channel and destination and shared by the nodes: a
-- destination one node found refusing a channel is skipped by the others too until skip_until.
CREATE TABLE channels (
    name               TEXT PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('direct', 'relay')),
    bind_address       TEXT,
    helo_name          TEXT,
    region             TEXT,
    max_connections    INTEGER NOT NULL DEFAULT 0,
    weight             INTEGER NOT NULL DEFAULT 100,
    enabled            BOOLEAN NOT NULL DEFAULT TRUE,
    relay_host         TEXT,
    relay_port         INTEGER NOT NULL DEFAULT 0,
    relay_tls          TEXT NOT NULL DEFAULT 'starttls',
    verify_certificate BOOLEAN NOT NULL DEFAULT TRUE,
    username           TEXT,
    password           TEXT
);

CREATE TABLE channel_health (
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    failures    INTEGER NOT NULL,
    last_error  TEXT,
    skip_until  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, destination)
);

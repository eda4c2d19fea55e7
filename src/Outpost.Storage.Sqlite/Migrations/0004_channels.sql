-- Outbound channels (M2, M3) and their health.
CREATE TABLE channels (
    name               TEXT PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('direct', 'relay')),
    bind_address       TEXT,
    helo_name          TEXT,
    region             TEXT,
    max_connections    INTEGER NOT NULL DEFAULT 0,
    weight             INTEGER NOT NULL DEFAULT 100,
    enabled            INTEGER NOT NULL DEFAULT 1,
    relay_host         TEXT,
    relay_port         INTEGER NOT NULL DEFAULT 0,
    relay_tls          TEXT NOT NULL DEFAULT 'starttls',
    verify_certificate INTEGER NOT NULL DEFAULT 1,
    username           TEXT,
    password           TEXT
);

CREATE TABLE channel_health (
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    failures    INTEGER NOT NULL,
    last_error  TEXT,
    skip_until  INTEGER,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (channel, destination)
);

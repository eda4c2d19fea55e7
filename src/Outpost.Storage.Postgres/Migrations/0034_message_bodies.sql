-- Message bodies every node can read (docs/SCALING.md "Message bodies"). A body is a head row (its length, the
-- chunk size it was cut with, when it was written) and its chunks of bytea, written in one transaction before
-- the message's queue rows, so a 250 follows both commits. Chunks are read one at a time by (message_id, seq):
-- no reader holds a 25 MB value, and no delivery holds a connection while it talks to a remote server.
-- No foreign key to messages: a body is committed before its message exists; the sweeper removes bodies
-- whose message is settled or unknown, by written_at.
CREATE TABLE message_bodies (
    message_id text PRIMARY KEY,
    length bigint NOT NULL,
    chunk_size integer NOT NULL,
    written_at timestamptz NOT NULL
);
CREATE INDEX message_bodies_written ON message_bodies (written_at);

CREATE TABLE message_body_chunks (
    message_id text NOT NULL,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (message_id, seq)
);

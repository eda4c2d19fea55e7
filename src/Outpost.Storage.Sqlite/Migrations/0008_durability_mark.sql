-- One row, rewritten in a transaction with synchronous=FULL whenever Outpost needs every earlier commit
-- on disk at once (before the spool files of finished messages are removed; see SpoolReaper).
CREATE TABLE durability_mark (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);

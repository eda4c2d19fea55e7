-- The dashboard reads the events outbox by time: all of it for an operator, one sending domain's for a
-- domain admin, one sender's for a user; each index starts with what the scope fixes.
CREATE INDEX events_time ON events (created_at, type);
CREATE INDEX events_domain_time ON events (sender_domain, created_at, type);
CREATE INDEX events_sender_time ON events (sender, created_at, type);

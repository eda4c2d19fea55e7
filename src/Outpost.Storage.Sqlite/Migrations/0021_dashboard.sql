-- The dashboard reads the events outbox by time: all of it for an operator, one sending domain's for a
-- domain admin, one sender's for a user. Each index starts with what the scope fixes and ends with the
-- columns the charts group by, so the hourly counts are read from the index alone.
CREATE INDEX events_time ON events(created_at, type);
CREATE INDEX events_domain_time ON events(sender_domain, created_at, type);
CREATE INDEX events_sender_time ON events(sender, created_at, type);

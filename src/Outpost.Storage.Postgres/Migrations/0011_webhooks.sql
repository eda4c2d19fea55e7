-- The events outbox carries the sender and sending domain of every event (webhooks are routed by
-- domain), and allows events without a queued message: a recipient refused at submission (rejected,
-- suppressed) never had one. Existing events take their message's sender.
ALTER TABLE events ADD COLUMN sender TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN sender_domain TEXT NOT NULL DEFAULT '';
UPDATE events e SET sender = m.sender, sender_domain = m.sender_domain FROM messages m WHERE m.id = e.message_id;
ALTER TABLE events ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE events ALTER COLUMN recipient_id DROP NOT NULL;
-- A domain's webhook endpoints read the outbox by sending domain, in id order.
CREATE INDEX events_domain ON events (sender_domain, id);

-- The dashboard's "waiting now" (the start of its queue-depth curve) counts recipients in a waiting status
-- (RecipientStatusNames.Waiting: queued, deferred, delivering, held). recipients_due leaves held out, so the count
-- scanned every recipient of the history: on a year of it, most of the page's time. Only waiting rows are in this
-- index, and message_id joins the messages of one domain or sender. The list must stay the one the query writes.
CREATE INDEX recipients_waiting ON recipients(message_id) WHERE status IN ('queued', 'deferred', 'delivering', 'held');

-- The dashboard's "waiting now" counts recipients in a waiting status (RecipientStatusNames.Waiting: queued,
-- deferred, delivering, held) without reading the whole history: only waiting rows are in this index, and
-- message_id joins the messages of one domain or sender. The list must stay the one the query writes.
CREATE INDEX recipients_waiting ON recipients (message_id) WHERE status IN ('queued', 'deferred', 'delivering', 'held');

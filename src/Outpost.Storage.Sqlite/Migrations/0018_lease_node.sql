-- Leases name the node that holds them, so a node at start releases only its own and its heartbeat renews
-- only its own. SQLite serves one node (the data directory's lock), but the queue's contract is the same
-- on both back ends. Leases taken before this column existed bear no name; the next start releases them.
ALTER TABLE recipients ADD COLUMN lease_node TEXT;
-- The heartbeat's renewal and the start's release find a node's leases without reading the queue.
CREATE INDEX recipients_leased ON recipients(lease_node) WHERE lease_until IS NOT NULL;

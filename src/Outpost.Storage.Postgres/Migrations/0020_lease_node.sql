-- Leases name the node that holds them (Storage:NodeId): a node at start releases only its own, its
-- heartbeat renews only its own, and a dead node's leases run out for the others to claim. Leases taken
-- before this column existed bear no name; the next node to start releases them.
ALTER TABLE recipients ADD COLUMN lease_node TEXT;
-- The heartbeat's renewal and the start's release find a node's leases without reading the queue.
CREATE INDEX recipients_leased ON recipients (lease_node) WHERE lease_until IS NOT NULL;

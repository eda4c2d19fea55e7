-- Held recipients (an operator's "hold") wait outside the claimable set; this index holds only them,
-- so it costs nothing while nothing is held.
CREATE INDEX recipients_held ON recipients(next_attempt_at) WHERE status = 'held';

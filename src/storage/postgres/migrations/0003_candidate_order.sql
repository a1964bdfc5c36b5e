-- 0003_candidate_order (PostgreSQL): candidate search walks the available agents in the
-- order listCandidates returns them (least recently assigned first, id breaking ties) and
-- stops at its LIMIT, instead of reading every available agent and sorting them.
-- Mirrors src/storage/sqlite/migrations/0003_candidate_order.sql.
CREATE INDEX agents_available_order_idx ON agents (last_assigned_at NULLS FIRST, id) WHERE availability = 'AVAILABLE';

-- Superseded: it ordered by last_assigned_at only, so ties needed a sort. Nothing else reads
-- agents by availability.
DROP INDEX agents_availability_assigned_idx;

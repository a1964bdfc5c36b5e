-- Candidate search walks the available agents in the order listCandidates returns them
-- (least recently assigned first, id breaking ties) and stops at its LIMIT, instead of
-- reading every available agent and sorting them. SQLite sorts NULLs first in ascending
-- order, so this index matches `ORDER BY last_assigned_at NULLS FIRST, id` exactly.
-- Mirrors src/storage/postgres/migrations/0003_candidate_order.sql.
CREATE INDEX agents_available_order ON agents (last_assigned_at, id) WHERE availability = 'AVAILABLE';

-- Superseded: it ordered by last_assigned_at only, so ties needed a sort, and the planner
-- preferred it to the index above. Nothing else reads agents by availability.
DROP INDEX agents_availability_assigned;

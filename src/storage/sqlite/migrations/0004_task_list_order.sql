-- 0004_task_list_order (SQLite): GET /api/tasks?sort=deadline walks the tasks in
-- (sla_deadline, seq) order, forwards or backwards, and stops at its LIMIT; a cursor is a
-- range of this index. sort=priority already has tasks_priority_seq (0001) and sort=created
-- the rowid. sort=updated gets no index on purpose: updated_at changes on every write, so the
-- index would cost every transition for an occasional operator view (it is a bounded top-N
-- sort instead); sla_deadline changes only when an operator edits it.
-- Mirrors src/storage/postgres/migrations/0004_task_list_order.sql.
CREATE INDEX tasks_deadline_seq ON tasks (sla_deadline, seq);

-- 0004_task_list_order (PostgreSQL): GET /api/tasks?sort=priority and ?sort=deadline walk the
-- tasks in (key, seq) order, forwards or backwards, and stop at their LIMIT; a cursor is a
-- range of the index. sort=created uses the unique index on seq. SQLite had (priority, seq)
-- since 0001 and adds only the deadline index. sort=updated gets no index on purpose:
-- updated_at changes on every write, so the index would cost every transition for an
-- occasional operator view (it is a bounded top-N sort instead).
-- Mirrors src/storage/sqlite/migrations/0004_task_list_order.sql.
CREATE INDEX tasks_priority_seq_idx ON tasks (priority, seq);
CREATE INDEX tasks_deadline_seq_idx ON tasks (sla_deadline, seq);

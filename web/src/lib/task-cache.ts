import type { InfiniteData } from '@tanstack/react-query';
import type { TaskListResponse, TaskView } from 'switchboard/sdk';

/** The board's task list as React Query holds it: the pages fetched so far (cursor = nextCursor). */
export type TaskPages = InfiniteData<TaskListResponse, string | null>;

interface Versioned {
  id: string;
  version: number;
}

/** A newer snapshot wins; an equal version is taken too (the server's copy replaces an optimistic one). */
export function isNewer(incoming: Versioned, existing: Versioned | undefined): boolean {
  return existing === undefined || incoming.version >= existing.version;
}

/**
 * Upserts snapshots into the cached pages: replaces a task where it is (when not
 * older), appends unknown tasks to the last page. Returns the same object when nothing
 * changed, so React Query does not notify anyone. `force` skips the version check
 * (optimistic edits and their rollback).
 */
export function upsertTaskPages(data: TaskPages | undefined, tasks: readonly TaskView[], force = false): TaskPages | undefined {
  if (data === undefined || data.pages.length === 0 || tasks.length === 0) return data;
  const where = new Map<string, [number, number]>();
  data.pages.forEach((page, p) => page.tasks.forEach((t, i) => where.set(t.id, [p, i])));
  const pages = data.pages.slice();
  const touched = new Set<number>();
  const copyOf = (p: number): TaskView[] => {
    const page = pages[p] as TaskListResponse;
    if (!touched.has(p)) {
      touched.add(p);
      pages[p] = { ...page, tasks: page.tasks.slice() };
    }
    return (pages[p] as TaskListResponse).tasks;
  };
  const last = pages.length - 1;
  for (const task of tasks) {
    const at = where.get(task.id);
    if (at === undefined) {
      const list = copyOf(last);
      where.set(task.id, [last, list.length]);
      list.push(task);
      continue;
    }
    const [p, i] = at;
    const existing = (pages[p] as TaskListResponse).tasks[i];
    if (existing === task || (!force && !isNewer(task, existing))) continue;
    copyOf(p)[i] = task;
  }
  return touched.size === 0 ? data : { ...data, pages };
}

/**
 * All pages as one list in creation order, each task once: a page fetched before an
 * update can still hold an older copy of a task that a socket message inserted later.
 */
export function flattenTaskPages(data: TaskPages | undefined): TaskView[] {
  if (data === undefined) return [];
  const byId = new Map<string, TaskView>();
  for (const page of data.pages) {
    for (const task of page.tasks) {
      const existing = byId.get(task.id);
      if (existing === undefined || isNewer(task, existing)) byId.set(task.id, task);
    }
  }
  return [...byId.values()];
}

export function findTask(data: TaskPages | undefined, id: string): TaskView | undefined {
  if (data === undefined) return undefined;
  let found: TaskView | undefined;
  for (const page of data.pages) {
    for (const task of page.tasks) if (task.id === id && isNewer(task, found)) found = task;
  }
  return found;
}

/** Upserts one versioned item into a plain list (agents), appending unknown ones. */
export function upsertById<T extends Versioned>(list: readonly T[] | undefined, items: readonly T[]): T[] | undefined {
  if (list === undefined) return list;
  let out: T[] | null = null;
  for (const item of items) {
    const source = out ?? list;
    const i = source.findIndex((x) => x.id === item.id);
    if (i >= 0 && !isNewer(item, source[i])) continue;
    out ??= list.slice();
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out ?? (list as T[]);
}

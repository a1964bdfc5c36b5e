import { DependencyCycleError, DependencyNotFoundError, ValidationError } from '../core/errors.js';
import type { Task } from '../core/task.js';
import type { Work } from './unit-of-work.js';

/** How far a cycle check walks before it refuses: a dependency chain this deep is a mistake, not a plan. */
export const DEPENDENCY_DEPTH_MAX = 1_000;

/**
 * Checks a dependency list before a task takes it (create, or edit while waiting): every
 * id exists, none has ended without completing (it never will), and none leads back to
 * `taskId`. Returns whether all are COMPLETED already, so the task need not wait.
 */
export async function checkDependencies(work: Work, taskId: string | null, ids: readonly string[]): Promise<{ done: boolean }> {
  const found = await work.tx.tasks.getMany({ ids: [...ids] });
  const missing = ids.filter((id) => !found.some((t) => t.id === id));
  if (missing.length > 0) throw new DependencyNotFoundError(missing);
  const dead = found.filter((t) => t.status === 'FAILED' || t.status === 'CANCELLED');
  if (dead.length > 0) {
    throw new ValidationError(
      `Dependencies that ended without completing can never unblock: ${dead.map((t) => `${t.id} (${t.status})`).join(', ')}`,
      {
        field: '/dependsOn',
        ended: dead.map((t) => t.id),
      },
    );
  }
  if (taskId !== null) await refuseCycle(work, taskId, found);
  return { done: found.every((t) => t.status === 'COMPLETED') };
}

/** Walks dependsOn from the new dependencies; reaching `taskId` again would make a cycle. */
async function refuseCycle(work: Work, taskId: string, start: readonly Task[]): Promise<void> {
  const seen = new Set<string>();
  let frontier: readonly Task[] = start;
  for (let depth = 0; frontier.length > 0; depth++) {
    const next = new Set<string>();
    for (const task of frontier) {
      if (task.id === taskId) {
        throw new DependencyCycleError(taskId);
      }
      seen.add(task.id);
      for (const id of task.dependsOn) if (!seen.has(id)) next.add(id);
    }
    if (depth >= DEPENDENCY_DEPTH_MAX)
      throw new ValidationError(`Dependency chain deeper than ${DEPENDENCY_DEPTH_MAX}`, { field: '/dependsOn' });
    frontier = next.size > 0 ? await work.tx.tasks.getMany({ ids: [...next] }) : [];
  }
}

/**
 * After `ended` reached an outcome: a completion unblocks dependents whose dependencies
 * are all done; a final failure or a cancellation cancels every waiting dependent, and
 * theirs in turn, each with its own `task.cancelled` event naming the dependency.
 */
export async function settleDependents(work: Work, ended: Task): Promise<void> {
  if (ended.status === 'COMPLETED') {
    for (const dependent of await work.tx.tasks.listDependents({ taskId: ended.id })) {
      const deps = await work.tx.tasks.getMany({ ids: dependent.dependsOn });
      if (deps.length === dependent.dependsOn.length && deps.every((d) => d.status === 'COMPLETED')) {
        await work.apply(dependent, { type: 'unblock' });
      }
    }
    return;
  }
  if (ended.status !== 'FAILED' && ended.status !== 'CANCELLED') return;
  const queue: Task[] = [ended];
  for (let cause = queue.shift(); cause !== undefined; cause = queue.shift()) {
    for (const dependent of await work.tx.tasks.listDependents({ taskId: cause.id })) {
      const outcome = cause.status === 'FAILED' ? 'failed' : 'was cancelled';
      const { task } = await work.apply(dependent, { type: 'cancel', reason: `dependency ${cause.id} ${outcome}`, dependency: cause.id });
      queue.push(task);
    }
  }
}

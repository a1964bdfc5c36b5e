import { useMutation } from '@tanstack/react-query';
import type { TaskView } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { useToast } from '../components/toast.js';
import { errorMessage } from './client.js';

/** What a human can do to a task it holds, each one REST call under the task's lease. */
export type WorkAction =
  | { kind: 'start' }
  | { kind: 'progress'; progress: number }
  | { kind: 'note'; text: string }
  | { kind: 'complete'; result: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'release'; reason: string };

const DONE: Record<WorkAction['kind'], string> = {
  start: 'started',
  progress: 'progress reported',
  note: 'note added',
  complete: 'completed',
  fail: 'marked as failed',
  release: 'given back to the queue',
};

/** A result typed as a link stays a link for whoever reads the result as data (`url`), and reads as one in the detail (`summary`). */
export function resultOf(text: string): { summary: string; url?: string } {
  const summary = text.trim();
  return /^https?:\/\/\S+$/.test(summary) ? { summary, url: summary } : { summary };
}

/**
 * One action on a held task. Every report carries the task's lease token, so a page left
 * open on a task the server has meanwhile requeued is refused (STALE_LEASE) instead of
 * reporting on someone else's attempt; the answer is written to the cache at once (the
 * socket's copy of it follows and is version-guarded).
 */
export function useWorkAction() {
  const { api, sync } = useServices();
  const toast = useToast();
  return useMutation<TaskView | null, Error, { task: TaskView; action: WorkAction }>({
    mutationFn: async ({ task, action }) => {
      const lease = { leaseToken: task.leaseToken };
      switch (action.kind) {
        case 'start':
          return (await api.tasks.start(task.id, lease)).task;
        case 'progress':
          return (await api.tasks.progress(task.id, { progress: action.progress }, lease)).task;
        case 'note':
          // A human's note is what the worker says, so it is `stdout`; `system` is the server's voice.
          await api.tasks.appendLogs(task.id, { lines: [{ text: action.text, stream: 'stdout' }] }, lease);
          return null;
        case 'complete':
          return (await api.tasks.complete(task.id, { result: resultOf(action.result) }, lease)).task;
        case 'fail':
          return (await api.tasks.fail(task.id, { reason: action.reason }, lease)).task;
        case 'release':
          return (await api.tasks.release(task.id, action.reason.trim() === '' ? {} : { reason: action.reason }, lease)).task;
      }
    },
    onSuccess: (updated, { task, action }) => {
      if (updated !== null) {
        sync.task(updated);
        sync.flush();
      }
      toast.push({ tone: 'success', title: `${task.id} ${DONE[action.kind]}` });
    },
    onError: (err, { task }) => toast.push({ tone: 'error', title: `Could not update ${task.id}`, description: errorMessage(err) }),
  });
}

/** How long "Claim next task" waits on the server for work to appear: short, since a person is looking at a spinner. */
export const CLAIM_WAIT_MS = 2_000;

/** "Claim next task": the best task this agent may take, assigned and started by the server in one step. */
export function useClaimNext(agentId: string) {
  const { api, sync } = useServices();
  const toast = useToast();
  return useMutation({
    mutationFn: () => api.agents.claim(agentId, { waitMs: CLAIM_WAIT_MS }),
    onSuccess: ({ task }) => {
      if (task === null)
        return toast.push({ tone: 'info', title: 'Nothing to claim', description: 'No waiting task fits your capabilities.' });
      sync.task(task);
      sync.flush();
      toast.push({ tone: 'success', title: `${task.id} claimed`, description: task.title });
    },
    onError: (err) => toast.push({ tone: 'error', title: 'Could not claim a task', description: errorMessage(err) }),
  });
}

import type { SwitchboardClient, TaskView } from '../sdk/index.js';
import type { TaskForRun } from './profiles/profile.js';

/** Longest dependency result quoted in a prompt: the agent needs the gist, the full result is one API call away. */
export const DEPENDENCY_RESULT_MAX_CHARS = 2_000;

/**
 * What the prompt and the profile get to know about a claimed task, read through the SDK:
 * the results of the tasks it depends on (it builds on them) and why its earlier attempts
 * failed, oldest first (a retry should not repeat them). Both come from the server, so a
 * runner on another machine than the one that ran the dependency still sees them.
 */
export async function taskForRun(client: SwitchboardClient, task: TaskView, signal?: AbortSignal): Promise<TaskForRun> {
  const options = signal === undefined ? {} : { signal };
  const [dependencies, timeline] = await Promise.all([
    Promise.all(task.dependsOn.map((id) => client.tasks.get(id, options))),
    client.tasks.events(task.id, options),
  ]);
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    labels: task.labels,
    requiredCapabilities: task.requiredCapabilities,
    preferredCapabilities: task.preferredCapabilities,
    dependencies: dependencies.map(({ task: dep }) => ({ id: dep.id, title: dep.title, result: resultText(dep.result) })),
    earlierFailures: timeline.events.flatMap((event) => (event.type === 'task.failed' ? [event.payload.reason] : [])),
  };
}

/** A result as prompt text: a runner's result by its summary, text as is, anything else as JSON. */
function resultText(result: unknown): string | null {
  if (result === null || result === undefined) return null;
  const summary = typeof result === 'object' && 'summary' in result ? (result as { summary: unknown }).summary : undefined;
  const text = typeof summary === 'string' ? summary : typeof result === 'string' ? result : JSON.stringify(result);
  return text.length <= DEPENDENCY_RESULT_MAX_CHARS ? text : `${text.slice(0, DEPENDENCY_RESULT_MAX_CHARS - 1)}…`;
}

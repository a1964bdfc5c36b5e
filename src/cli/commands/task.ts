import type { Command } from 'commander';
import { PRIORITIES, TASK_STATUSES, type Priority } from '../../core/task.js';
import { TASK_SORT_KEYS } from '../../core/task-order.js';
import type { CreateTaskInput, TaskListQuery, TaskListResponse, TaskView } from '../../sdk/index.js';
import { clientAction, type ClientContext } from '../client-action.js';
import { choice, deadline, integer, listOf } from '../options.js';
import { clean, renderTable } from '../output/table.js';
import type { CliRuntime } from '../runtime.js';
import { taskLogsCommand } from './task-logs.js';
import { renderTaskDetail, taskColumns, type TaskDetail } from '../views/task-view.js';

/** Every order GET /api/tasks takes: a key, or `-key` for the reverse. */
const SORTS = TASK_SORT_KEYS.flatMap((key) => [key, `-${key}`]);

interface CreateFlags {
  title: string;
  description?: string;
  priority?: Priority;
  require?: string[];
  prefer?: string[];
  label?: string[];
  dependsOn?: string[];
  sla?: string;
  eta?: string;
  maxAttempts?: number;
  idempotencyKey?: string;
}

interface ListFlags {
  status?: string[];
  priority?: string[];
  agent?: string;
  label?: string;
  capability?: string;
  search?: string;
  sort?: TaskListQuery['sort'];
  limit?: number;
  all?: boolean;
}

/** `switchboard task ...`: create, list, show, cancel and retry tasks, and read their logs, over the API. */
export function taskCommands(program: Command, runtime: CliRuntime): void {
  const task = program.command('task').description('tasks: create, list, show, cancel, retry, logs');

  task
    .command('create')
    .description('create a task; with dispatch on, the server assigns it as soon as an agent fits')
    .requiredOption('--title <text>', 'what is to be done')
    .option('--description <text>', 'the details an agent needs')
    .option('--priority <P>', `${PRIORITIES.join(', ')} (default P2)`, choice(PRIORITIES))
    .option('--require <caps>', 'capabilities an agent must have (comma-separated, repeatable)', listOf())
    .option('--prefer <caps>', 'capabilities that raise an agent in the ranking (comma-separated, repeatable)', listOf())
    .option('--label <label>', 'a label (repeatable, or comma-separated)', listOf())
    .option('--depends-on <ids>', 'tasks that must complete first (comma-separated, repeatable)', listOf())
    .option('--sla <when>', 'deadline: an ISO date-time, or a duration from now such as 90m, 2h, 1d12h', deadline(Date.now))
    .option('--eta <text>', 'free-text estimate, e.g. "2-4h"')
    .option('--max-attempts <n>', 'attempts before it fails for good', integer(1))
    .option('--idempotency-key <key>', 'the same key again returns the first task instead of a second one (safe retries of a script)')
    .action(
      clientAction(runtime, async (ctx, flags: CreateFlags) => {
        const answer = await ctx.client.tasks.create(createInput(flags), { idempotencyKey: flags.idempotencyKey });
        const t = answer.task;
        ctx.print(
          answer,
          () =>
            `Created ${ctx.style.bold(t.id)} (${t.status}, ${t.priority}${t.agent === null ? '' : `, assigned to ${t.agent}`}): ${clean(t.title)}\n`,
        );
      }),
    );

  task
    .command('list')
    .description('tasks, in creation order unless --sort; one page unless --all')
    .option('--status <statuses>', `only these (comma-separated, repeatable): ${TASK_STATUSES.join(', ')}`, listOf(TASK_STATUSES))
    .option('--priority <priorities>', `only these (comma-separated, repeatable): ${PRIORITIES.join(', ')}`, listOf(PRIORITIES))
    .option('--agent <id>', 'only tasks this agent holds or held')
    .option('--label <label>', 'only tasks with this label')
    .option('--capability <cap>', 'only tasks that require this capability')
    .option('--search <text>', 'text in the id, title or description (any case)')
    .option('--sort <order>', `${SORTS.join(', ')} (a leading - reverses)`, choice(SORTS))
    .option('--limit <n>', 'tasks per page (1 to 1000, default 500)', integer(1, 1000))
    .option('--all', 'follow the cursor through every page')
    .action(
      clientAction(runtime, async (ctx, flags: ListFlags) => {
        const answer = await listTasks(ctx, flags);
        ctx.print(answer, () => {
          if (answer.nextCursor !== null) ctx.runtime.err(`Showing ${answer.count} of ${answer.total} tasks; --all shows every page.\n`);
          return renderTable(taskColumns(ctx.style), answer.tasks, { empty: 'No tasks.', header: ctx.style.bold });
        });
      }),
    );

  task
    .command('show')
    .description('one task: its fields, its assignment decision with each score term, its attempts with their usage, and its timeline')
    .argument('<id>', 'task id, e.g. TASK-001')
    .action(
      clientAction(runtime, async (ctx, _flags: object, id: string) => {
        const detail = await taskDetail(ctx, id);
        ctx.print({ success: true, ...detail }, () => renderTaskDetail(detail, ctx.style));
      }),
    );

  task
    .command('cancel')
    .description('cancel a task that has not ended; its holder is told and tasks depending on it are cancelled')
    .argument('<id>', 'task id')
    .option('--reason <text>', 'why, kept in the event log')
    .action(
      clientAction(runtime, async (ctx, flags: { reason?: string }, id: string) => {
        const answer = await ctx.client.tasks.cancel(id, { reason: flags.reason });
        ctx.print(answer, () => `Cancelled ${answer.task.id}.\n`);
      }),
    );

  task
    .command('retry')
    .description('give a FAILED task a new set of attempts')
    .argument('<id>', 'task id')
    .action(
      clientAction(runtime, async (ctx, _flags: object, id: string) => {
        const answer = await ctx.client.tasks.retry(id);
        ctx.print(answer, () => `Retrying ${answer.task.id}: ${answer.task.status}.\n`);
      }),
    );

  taskLogsCommand(task, runtime);
}

/** The flags as the API's fields; an unset flag stays undefined, which JSON leaves out of the body. */
function createInput(flags: CreateFlags): CreateTaskInput {
  return {
    title: flags.title,
    description: flags.description,
    priority: flags.priority,
    requiredCapabilities: flags.require,
    preferredCapabilities: flags.prefer,
    labels: flags.label,
    dependsOn: flags.dependsOn,
    slaDeadline: flags.sla,
    eta: flags.eta,
    maxAttempts: flags.maxAttempts,
  };
}

/** One page, or with `--all` every page joined into one answer of the same shape (nextCursor null). */
async function listTasks(ctx: ClientContext, flags: ListFlags): Promise<TaskListResponse> {
  const query: TaskListQuery = {
    status: flags.status?.join(','),
    priority: flags.priority?.join(','),
    agent: flags.agent,
    label: flags.label,
    capability: flags.capability,
    q: flags.search,
    sort: flags.sort,
    limit: flags.limit,
  };
  let page = await ctx.client.tasks.list(query);
  if (flags.all !== true) return page;
  const tasks: TaskView[] = [...page.tasks];
  while (page.nextCursor !== null) {
    page = await ctx.client.tasks.list({ ...query, cursor: page.nextCursor });
    tasks.push(...page.tasks);
  }
  return { ...page, tasks, count: tasks.length, nextCursor: null };
}

async function taskDetail(ctx: ClientContext, id: string): Promise<TaskDetail> {
  const [{ task }, { attempts }, { events }] = await Promise.all([
    ctx.client.tasks.get(id),
    ctx.client.tasks.attempts(id),
    ctx.client.tasks.events(id),
  ]);
  // Only a waiting task has a "who could take it now"; for the others the decision (or the outcome) is the story.
  const recommendation = task.status === 'PENDING' ? await ctx.client.tasks.recommendations(id) : null;
  return { task, attempts, timeline: events, recommendation };
}

import type { Command } from 'commander';
import { EVENT_TYPES, type EventType } from '../../core/events.js';
import { SwitchboardApiError, type EventListQuery, type EventView } from '../../sdk/index.js';
import { clientAction, type ClientContext } from '../client-action.js';
import { integer, listOf } from '../options.js';
import { renderRow, renderRowHeader, renderTable } from '../output/table.js';
import { untilStopped, type CliRuntime } from '../runtime.js';
import { eventColumns } from '../views/event-view.js';

/** The largest page GET /api/events serves: what `--follow --after` catches up with. */
const EVENT_PAGE_MAX = 500;

interface EventsFlags {
  follow?: boolean;
  type?: EventType[];
  task?: string;
  agent?: string;
  after?: number;
  limit?: number;
}

/** `switchboard events`: the event log, a page of it or (`--follow`) live, resuming without a gap. */
export function eventsCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('events')
    .description('the event log: the newest events (or those after --after, oldest first); --follow keeps printing new ones until Ctrl-C')
    .option('--follow', 'after the page, print new events as they happen (with --json: one JSON object per line)')
    .option('--type <types>', `only these types (comma-separated, repeatable), e.g. task.completed,task.failed`, listOf(EVENT_TYPES))
    .option('--task <id>', "only this task's events")
    .option('--agent <id>', "only this agent's events")
    .option('--after <id>', 'only events with a greater id, oldest first (resume where a script stopped)', integer(0))
    .option('--limit <n>', `events in the page (1 to ${EVENT_PAGE_MAX}, default 100)`, integer(1, EVENT_PAGE_MAX))
    .action(clientAction(runtime, (ctx, flags: EventsFlags) => (flags.follow === true ? follow(ctx, flags) : page(ctx, flags))));
}

function filters(flags: EventsFlags): EventListQuery {
  return { type: flags.type?.join(','), taskId: flags.task, agentId: flags.agent };
}

async function page(ctx: ClientContext, flags: EventsFlags): Promise<void> {
  const order = flags.after === undefined ? 'desc' : 'asc';
  const answer = await ctx.client.events.list({ ...filters(flags), after: flags.after, limit: flags.limit, order });
  ctx.print(answer, () => {
    if (answer.nextCursor !== null) {
      ctx.runtime.err(
        order === 'asc'
          ? `More events follow: --after ${answer.nextCursor} shows the next page.\n`
          : `Showing the newest ${answer.events.length} events; --after 0 pages from the oldest.\n`,
      );
    }
    // A reader reads a log top to bottom: the newest last, as --follow goes on.
    const rows = order === 'desc' ? [...answer.events].reverse() : answer.events;
    return renderTable(eventColumns(ctx.style, { task: true }), rows, { empty: 'No events.', header: ctx.style.bold });
  });
}

/**
 * The page, then the live stream. The newest id is read before the page, and the stream
 * resumes after it (or after the page's last event, if later): what happens between the two
 * reads is replayed by the server, and what both deliver is printed once (ids only grow).
 */
async function follow(ctx: ClientContext, flags: EventsFlags): Promise<void> {
  // Asked first, so a Ctrl-C while the page loads ends the command the same clean way.
  const stop = ctx.runtime.stopSignal();
  const columns = eventColumns(ctx.style, { task: true });
  let last = 0;
  let warned = false;
  const show = (event: EventView) => {
    if (event.id <= last) return;
    last = event.id;
    warned = false;
    if (flags.task !== undefined && event.taskId !== flags.task) return;
    if (flags.agent !== undefined && event.agentId !== flags.agent) return;
    ctx.runtime.out(ctx.json ? `${JSON.stringify(event)}\n` : renderRow(columns, event));
  };

  const head = (await ctx.client.events.list({ limit: 1 })).events[0]?.id ?? 0;
  if (!ctx.json) ctx.runtime.out(renderRowHeader(columns, ctx.style.bold));
  if (flags.after === undefined) {
    const recent = await ctx.client.events.list({ ...filters(flags), limit: flags.limit, order: 'desc' });
    for (const event of recent.events.reverse()) show(event);
  } else {
    for (let after = flags.after; !stop.aborted;) {
      const next = await ctx.client.events.list({ ...filters(flags), after, limit: flags.limit ?? EVENT_PAGE_MAX, order: 'asc' });
      for (const event of next.events) show(event);
      if (next.nextCursor === null) break;
      after = Number(next.nextCursor);
    }
  }
  if (stop.aborted) return;

  ctx.onSocketError((err) => {
    // A refused handshake rejects `ready` below and ends the command; a dropped connection is retried by the SDK.
    if (err instanceof SwitchboardApiError || warned) return;
    warned = true;
    ctx.runtime.err(`warning: lost the live connection to ${ctx.connection.url} (${err.message}); reconnecting\n`);
  });
  const subscription = ctx.client.events.subscribe({ types: flags.type, lastEventId: Math.max(head, last) }, show, (done) => {
    if (done.truncated)
      ctx.runtime.err(`warning: more events happened while disconnected than the server replays; events --after ${last} lists them\n`);
  });
  try {
    await Promise.race([subscription.ready, untilStopped(stop)]);
    await untilStopped(stop);
  } finally {
    subscription.close();
  }
}

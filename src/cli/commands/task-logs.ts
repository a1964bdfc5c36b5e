import type { Command } from 'commander';
import { SwitchboardApiError, type LogLineView, type TaskLogsResponse } from '../../sdk/index.js';
import { clientAction, type ClientContext } from '../client-action.js';
import { integer } from '../options.js';
import { renderRow } from '../output/table.js';
import { untilStopped, type CliRuntime } from '../runtime.js';
import { logColumns } from '../views/log-view.js';

/** The largest page GET /api/tasks/:id/logs serves: fewest round trips to read a whole log. */
const LOG_PAGE_MAX = 1000;
/**
 * How often `--follow` also asks the REST log for lines after the last it printed. `task:log`
 * messages are live only (never replayed after a reconnect), so this is what brings in the lines
 * sent while the socket was down; between drops it finds nothing and costs one small request.
 */
const LOG_FOLLOW_POLL_MS = 5000;

interface LogsFlags {
  follow?: boolean;
  after?: number;
}

/** `switchboard task logs ID [--follow] [--after SEQ]`: what the agents working on a task printed. */
export function taskLogsCommand(task: Command, runtime: CliRuntime): void {
  task
    .command('logs')
    .description("a task's log (every attempt's output, oldest first); --follow keeps printing new lines until Ctrl-C")
    .argument('<id>', 'task id')
    .option('--after <seq>', 'only lines after this seq (the first column): resume where you stopped', integer(0))
    .option('--follow', 'after the log so far, print new lines as the agent sends them (with --json: one JSON object per line)')
    .action(
      clientAction(runtime, async (ctx, flags: LogsFlags, id: string) => {
        if (flags.follow === true) return followLogs(ctx, id, flags.after ?? 0);
        const lines: LogLineView[] = [];
        const final = await readLog(ctx, id, flags.after ?? 0, (page) => lines.push(...page.lines));
        // Every page joined into one answer of the server's shape, as `task list --all` does.
        ctx.print({ ...final, lines, count: lines.length }, () => {
          if (final.truncated) ctx.runtime.err('The log reached its size cap; later lines were dropped.\n');
          return lines.map((line) => renderRow(logColumns(ctx.style), line)).join('');
        });
      }),
    );
}

/**
 * Every page after `after`, each handed to `onPage`, oldest first; resolves with the last page
 * (its `lastSeq` is where the next read starts).
 */
async function readLog(ctx: ClientContext, id: string, after: number, onPage: (page: TaskLogsResponse) => void): Promise<TaskLogsResponse> {
  for (let from = after; ;) {
    const page = await ctx.client.tasks.logs(id, { after: from, limit: LOG_PAGE_MAX });
    onPage(page);
    if (!page.hasMore) return page;
    from = page.lastSeq;
  }
}

/**
 * The log so far, then new lines as `task:log` messages bring them, each printed once and in
 * seq order. The socket opens as the first read starts, and once it is connected the REST log
 * is read again: a line appended between the two is not lost. A message whose first seq skips
 * past the last printed one means lines were missed (a reconnect): the REST log fills the gap.
 * Every read and print goes through one queue, so they never interleave.
 */
async function followLogs(ctx: ClientContext, id: string, after: number): Promise<void> {
  const stop = ctx.runtime.stopSignal();
  const columns = logColumns(ctx.style);
  let last = after;
  const print = (lines: readonly LogLineView[]) => {
    for (const line of lines) {
      if (line.seq <= last) continue;
      last = line.seq;
      ctx.runtime.out(ctx.json ? `${JSON.stringify(line)}\n` : renderRow(columns, line));
    }
  };
  const catchUp = async () => void (await readLog(ctx, id, last, (page) => print(page.lines)));

  const warn = (what: string, err: unknown) =>
    ctx.runtime.err(
      `warning: ${what} (${err instanceof Error ? err.message : String(err)}); reading the log every ${LOG_FOLLOW_POLL_MS / 1000} s\n`,
    );
  // Each said once until things mend: a read failing at every poll, a socket retrying with backoff.
  let readFailing = false;
  let socketWarned = false;
  ctx.onSocketError((err) => {
    if (socketWarned) return;
    socketWarned = true;
    warn(err instanceof SwitchboardApiError ? 'live lines refused' : `lost the live connection to ${ctx.connection.url}`, err);
  });

  // The first read is awaited below as it is: a missing task or a refused token ends the command with its exit code.
  const first = catchUp();
  let queue: Promise<void> = first.catch(() => undefined);
  const enqueue = (step: () => Promise<void>) => {
    queue = queue.then(step).then(
      () => void (readFailing = false),
      (err: unknown) => {
        if (!readFailing) warn('could not read the log', err);
        readFailing = true;
      },
    );
  };
  const off = ctx.client.on('task:log', ({ taskId, lines }) => {
    socketWarned = false;
    if (taskId !== id) return;
    enqueue(async () => {
      if ((lines[0]?.seq ?? 0) > last + 1) await catchUp();
      print(lines);
    });
  });
  const poll = setInterval(() => enqueue(catchUp), LOG_FOLLOW_POLL_MS);
  try {
    await first;
    void ctx.client.connected().then(() => enqueue(catchUp));
    await untilStopped(stop);
    await queue;
  } finally {
    clearInterval(poll);
    off();
  }
}

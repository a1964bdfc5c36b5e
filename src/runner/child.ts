import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { FiredGuard, RunnerEvent } from './events.js';
import type { CommandSpec } from './profiles/profile.js';
import { startGuards, type GuardLimits } from './guards.js';

/** Time a child gets between SIGTERM and SIGKILL: enough for a CLI to save its session, short enough that a stop is a stop. */
export const KILL_GRACE_DEFAULT_MS = 5_000;

/** The environment a child starts from (the runner's own, minus what the agent must not see), PATH included. */
export type ChildEnvironment = Readonly<Record<string, string | undefined>>;

export interface RunChildInput {
  spec: CommandSpec;
  cwd: string;
  environment: ChildEnvironment;
  parseLine(line: string): RunnerEvent[];
  limits: GuardLimits;
  killGraceMs?: number;
  /** Aborting it stops the child like a guard does; its `reason` comes back as `stoppedBy`. */
  signal?: AbortSignal;
  /** Every normalised event, in order, as it arrives; stderr lines come as `log` events on `stderr`. */
  onEvent(event: RunnerEvent): void;
  /** Called once the child is running, with its pid (the claim-to-spawn latency is measured up to here). */
  onSpawn?(pid: number): void;
}

/**
 * How a child ended. `events` leaves out `log` lines, a chatty CLI would fill memory, but
 * for the last stdout one, at the end: a plain program's summary is the last thing it printed.
 */
export interface ChildRun {
  events: RunnerEvent[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  guard: FiredGuard | null;
  /** The abort reason when the caller stopped it (`'cancelled'`, `'stopping'`, ...); null otherwise. */
  stoppedBy: unknown;
  durationMs: number;
}

/**
 * Runs one attempt's child to its end. It gets its own process group (`detached`), so a
 * stop reaches everything it started (a shell, a test runner, a dev server): SIGTERM to the
 * group, then SIGKILL after the grace period. Argv only, never a shell line. Rejects only
 * when the program cannot be started at all (not on PATH, not executable).
 */
export function runChild(input: RunChildInput): Promise<ChildRun> {
  const startedAt = Date.now();
  const child = spawn(input.spec.command, input.spec.args, {
    cwd: input.cwd,
    env: { ...input.environment, ...input.spec.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: RunnerEvent[] = [];
  let lastOutput: RunnerEvent | null = null;
  let guard: FiredGuard | null = null;
  let stoppedBy: unknown = null;
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the whole group is already gone.
    }
  };
  /**
   * First stop wins: a guard firing during the grace period of another must not rename the
   * cause. A cause found after the exit still counts (the cost in claude's last line, read
   * after the process ended): there is just nothing left to signal.
   */
  const stop = (cause: { guard: FiredGuard } | { abort: unknown }) => {
    if (guard !== null || stoppedBy !== null) return;
    if ('guard' in cause) guard = cause.guard;
    else stoppedBy = cause.abort ?? 'stopped';
    if (exited) return;
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), input.killGraceMs ?? KILL_GRACE_DEFAULT_MS);
  };
  const guards = startGuards(input.limits, (fired) => stop({ guard: fired }));

  const emit = (event: RunnerEvent) => {
    if (event.type !== 'log') events.push(event);
    else if (event.stream === 'stdout' && event.line.trim() !== '') lastOutput = event;
    guards.observe(event);
    input.onEvent(event);
  };
  const stdoutLines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  stdoutLines.on('line', (line) => {
    guards.outputSeen();
    for (const event of input.parseLine(line)) emit(event);
  });
  const stderrLines = createInterface({ input: child.stderr, crlfDelay: Infinity });
  stderrLines.on('line', (line) => {
    guards.outputSeen();
    emit({ type: 'log', stream: 'stderr', line });
  });
  // A child that exits without reading its stdin makes the write fail with EPIPE: not our error to raise.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input.spec.stdin ?? '');

  const onAbort = () => stop({ abort: input.signal?.reason });
  const linesDone = Promise.all([once(stdoutLines, 'close'), once(stderrLines, 'close')]);

  return new Promise<ChildRun>((resolve, reject) => {
    child.once('error', (err) => {
      guards.stopClocks();
      clearTimeout(killTimer);
      input.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`could not start "${input.spec.command}": ${err.message}`, { cause: err }));
    });
    child.once('spawn', () => {
      if (input.signal?.aborted) onAbort();
      else input.signal?.addEventListener('abort', onAbort, { once: true });
      if (child.pid !== undefined) input.onSpawn?.(child.pid);
    });
    child.once('exit', () => {
      exited = true;
      // The clocks stop with the process; only what its last lines say (the cost) can still trip a guard.
      guards.stopClocks();
      // What the child left behind in its group would hold our pipes open and outlive the attempt.
      signalGroup('SIGKILL');
    });
    child.once('close', (exitCode, signal) => {
      guards.stopClocks();
      clearTimeout(killTimer);
      input.signal?.removeEventListener('abort', onAbort);
      void linesDone.then(() =>
        resolve({
          events: lastOutput === null ? events : [...events, lastOutput],
          exitCode,
          signal,
          guard,
          stoppedBy,
          durationMs: Date.now() - startedAt,
        }),
      );
    });
  });
}

function once(emitter: { once(event: string, listener: () => void): unknown }, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

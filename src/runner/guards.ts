import type { FiredGuard, RunnerEvent } from './events.js';

/**
 * The runner's own watchdogs over one child, each off when unset. They exist beside the
 * CLIs' limits (`--max-turns`, `--max-budget-usd`) because those overshoot or are missing:
 * claude's turn limit can run past on a long session, codex and gemini have no budget at all.
 */
export interface GuardLimits {
  /** Wall-clock time the attempt may take. */
  timeoutMs?: number;
  /** Time without a line on stdout or stderr: a CLI waiting for an answer nobody will give. */
  stallMs?: number;
  /** Cost the CLI reported (claude only reports one) past which it is stopped. */
  maxCostUsd?: number;
}

/** Names of the guards as they appear in failure reasons: `guard stall stopped the agent: ...`. */
export type GuardName = 'timeout' | 'stall' | 'max-cost';

export interface RunningGuards {
  /** A line arrived: the stall clock starts over. */
  outputSeen(): void;
  /** Every event goes by here; usage events count towards the cost. */
  observe(event: RunnerEvent): void;
  /** Disarms the timeout and stall timers (the child ended); the cost guard still reads what comes. */
  stopClocks(): void;
}

/** Arms the guards; `fire` is called at most once, with the first guard that tripped. */
export function startGuards(limits: GuardLimits, fire: (guard: FiredGuard & { name: GuardName }) => void): RunningGuards {
  let fired = false;
  const trip = (name: GuardName, detail: string) => {
    if (fired) return;
    fired = true;
    fire({ name, detail });
  };
  const { timeoutMs, stallMs, maxCostUsd } = limits;
  const timeout =
    timeoutMs === undefined ? undefined : setTimeout(() => trip('timeout', `ran longer than ${seconds(timeoutMs)}`), timeoutMs);
  let stall: NodeJS.Timeout | undefined;
  const armStall = () => {
    if (stallMs === undefined) return;
    clearTimeout(stall);
    stall = setTimeout(() => trip('stall', `no output for ${seconds(stallMs)}`), stallMs);
  };
  armStall();
  let costUsd = 0;
  return {
    outputSeen: armStall,
    observe(event) {
      if (event.type !== 'usage' || event.costUsd === undefined || maxCostUsd === undefined) return;
      costUsd += event.costUsd;
      if (costUsd > maxCostUsd) trip('max-cost', `cost $${costUsd.toFixed(4)}, over the limit of $${maxCostUsd}`);
    },
    stopClocks() {
      clearTimeout(timeout);
      clearTimeout(stall);
    },
  };
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

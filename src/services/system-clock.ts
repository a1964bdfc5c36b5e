import type { Clock } from '../core/clock.js';

/**
 * The wall clock. Timers longer than setTimeout's 24.8-day limit are re-armed in
 * steps, and every timer is unref'd so a pending SLA timer never keeps the process alive.
 */
export const MAX_TIMER_STEP_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    let handle: NodeJS.Timeout;
    const due = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMER_STEP_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_STEP_MS));
      handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** Cancels a timer armed with {@link Clock.setTimer}. */
export type CancelTimer = () => void;

/**
 * The only source of time. Core never reads the wall clock; services take a Clock so
 * tests drive offers, leases and SLA timers with a fake clock and `advance()`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `delayMs` from now. */
  setTimer(delayMs: number, fn: () => void): CancelTimer;
}

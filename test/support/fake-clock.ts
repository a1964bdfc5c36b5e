import type { CancelTimer, Clock } from '../../src/core/clock.js';

interface PendingTimer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock for tests: time moves only when the test calls `advance`, which fires due
 * timers in due order (timers armed by a firing timer fire too if they fall inside).
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: PendingTimer[] = [];
  #nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, fn: () => void): CancelTimer {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, delayMs), fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t.id !== next.id);
      this.#now = Math.max(this.#now, next.due);
      next.fn();
    }
    this.#now = target;
  }

  /** Number of armed timers (tests assert nothing leaks). */
  get pending(): number {
    return this.#timers.length;
  }
}

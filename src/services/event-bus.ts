import type { AppendedLogs, PublishedEvent } from './types.js';

export type EventListener = (published: PublishedEvent) => void;
export type LogListener = (appended: AppendedLogs) => void;

/** The minimal logger the services need; Fastify's pino logger fits it. */
export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/**
 * In-process fan-out of committed events to the realtime gateway, notifiers and
 * dispatcher. Published only after the transaction commits; a listener that throws is
 * logged and never breaks the transition or the other listeners (style rule 11).
 */
export class EventBus {
  readonly #events = new Listeners<PublishedEvent>();
  /** Task log lines travel apart from events: they are not in the event log, so no listener may count them as events. */
  readonly #logs = new Listeners<AppendedLogs>();
  /** Settles when everything handed to publishInOrder so far has been published. */
  #order: Promise<void> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: EventListener): () => void {
    return this.#events.add(listener);
  }

  publish(published: PublishedEvent): void {
    this.#events.call(published, (err) => this.logger.error({ err, event: published.event.type }, 'event listener failed'));
  }

  /**
   * Publishes what one unit of work committed, once `assemble` has read its snapshots, and
   * strictly after everything handed here before it: the reads of two units run at once,
   * their events still leave in commit order. Units sharing a commit settle in their order,
   * and a subscriber that resumes by the last event id (the SDK) drops anything older.
   */
  publishInOrder(assemble: Promise<readonly PublishedEvent[]>): Promise<void> {
    // Its failure is reported through `done`; until the chain reaches it, it must not count as unhandled.
    assemble.catch(() => undefined);
    const done = this.#order.then(async () => {
      for (const published of await assemble) this.publish(published);
    });
    this.#order = done.catch(() => undefined);
    return done;
  }

  subscribeLogs(listener: LogListener): () => void {
    return this.#logs.add(listener);
  }

  publishLogs(appended: AppendedLogs): void {
    this.#logs.call(appended, (err) => this.logger.error({ err, taskId: appended.taskId }, 'log listener failed'));
  }
}

/** A set of listeners called in turn; one that throws is reported and the others still run. */
class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  call(value: T, failed: (err: unknown) => void): void {
    for (const listener of this.#set) {
      try {
        listener(value);
      } catch (err) {
        failed(err);
      }
    }
  }
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

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
  readonly #listeners = new Set<EventListener>();
  readonly #logListeners = new Set<LogListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(published: PublishedEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(published);
      } catch (err) {
        this.logger.error({ err, event: published.event.type }, 'event listener failed');
      }
    }
  }

  /** Task log lines travel apart from events: they are not in the event log, so no listener may count them as events. */
  subscribeLogs(listener: LogListener): () => void {
    this.#logListeners.add(listener);
    return () => this.#logListeners.delete(listener);
  }

  publishLogs(appended: AppendedLogs): void {
    for (const listener of this.#logListeners) {
      try {
        listener(appended);
      } catch (err) {
        this.logger.error({ err, taskId: appended.taskId }, 'log listener failed');
      }
    }
  }
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

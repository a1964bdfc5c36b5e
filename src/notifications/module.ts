import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Policy } from '../core/policy.js';
import type { Store } from '../core/ports.js';
import type { EventBus, Logger } from '../services/event-bus.js';
import { WorkRunner } from '../services/unit-of-work.js';
import { NotificationDispatcher, type DispatcherSettings, type NotificationMetrics } from './dispatcher.js';
import { NotificationOutbox } from './outbox.js';
import type { Senders } from './outgoing.js';
import { emailSender } from './senders/email.js';
import { slackSender } from './senders/slack.js';
import { webhookSender } from './senders/webhook.js';
import { NotificationService } from './service.js';

export interface NotificationsOptions extends DispatcherSettings {
  publicUrl: string | null;
  channelCacheMs: number;
}

/** Notifications of one server: the outbox its orchestrator writes through, the dispatcher, the admin service. */
export interface Notifications {
  readonly outbox: NotificationOutbox;
  readonly dispatcher: NotificationDispatcher;
  readonly service: NotificationService;
  /** Starts delivering (after the store is migrated). */
  start(): void;
  /** Stops delivering and closes the senders' connections. */
  close(): Promise<void>;
}

/**
 * Builds the notification side of a server. The dispatcher records outcomes through a unit of
 * work of its own on the same store and bus, so `notification.failed` reaches the log, the
 * sockets and the other channels like every event.
 */
export function createNotifications(deps: {
  store: Store;
  clock: Clock;
  policy: Policy;
  bus: EventBus;
  logger: Logger;
  options: NotificationsOptions;
  metrics?: NotificationMetrics;
  /** Replaces the built-in senders (tests). */
  senders?: Senders;
}): Notifications {
  const { store, clock, options } = deps;
  const outbox = new NotificationOutbox(options.channelCacheMs);
  const email = deps.senders === undefined ? emailSender() : null;
  const senders: Senders = deps.senders ?? { webhook: webhookSender(), slack: slackSender, email: email ?? undefined };
  const runner = new WorkRunner(store, clock, deps.policy, deps.bus, outbox);
  const dispatcher = new NotificationDispatcher({
    store,
    runner,
    clock,
    senders,
    logger: deps.logger,
    settings: options,
    owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    publicUrl: options.publicUrl,
    metrics: deps.metrics,
  });
  outbox.onCommitted(() => dispatcher.nudge());
  const service = new NotificationService({
    store,
    clock,
    outbox,
    dispatcher,
    senders,
    publicUrl: options.publicUrl,
    timeoutMs: options.timeoutMs,
  });
  return {
    outbox,
    dispatcher,
    service,
    start: () => dispatcher.start(),
    async close() {
      await dispatcher.stop();
      await email?.close();
    },
  };
}

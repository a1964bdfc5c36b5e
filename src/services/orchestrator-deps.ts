import type { Clock } from '../core/clock.js';
import type { EscalationPolicy } from '../core/escalation.js';
import type { Policy } from '../core/policy.js';
import type { Store } from '../core/ports.js';
import type { EventBus, Logger } from './event-bus.js';
import type { OutboxHook } from './unit-of-work.js';

/** `auto`: every new task, freed slot or returning agent triggers matching at once. `manual`: only the assign and queue/next calls assign. */
export type DispatchMode = 'auto' | 'manual';

/** Everything the orchestrator needs, built in main.ts (or a test) and passed in. */
export interface OrchestratorDeps {
  store: Store;
  clock: Clock;
  policy: Policy;
  bus: EventBus;
  dispatch: DispatchMode;
  logger: Logger;
  /** Writes notifications in the transaction of their event (src/notifications); none when omitted. */
  outbox?: OutboxHook;
  /** Steps after an SLA violation beyond notifying (SWITCHBOARD_ESCALATION); none when omitted. */
  escalation?: EscalationPolicy;
}

import type { Clock } from '../core/clock.js';
import type { Policy } from '../core/policy.js';
import type { Store } from '../core/ports.js';
import type { EventBus, Logger } from './event-bus.js';

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
}

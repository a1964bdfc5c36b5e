import { createTransport, type TransportOptions } from './http.js';
import type { Health } from './wire.js';
import { agentsResource, eventLogResource, tasksResource, tokensResource, type RequestOptions } from './resources.js';

/** What createClient needs: the server's URL, optionally a token and a fetch. */
export type ClientOptions = TransportOptions;

/**
 * A typed client for every REST operation of a Switchboard server (see OPERATIONS).
 * It holds no connection and no timer: it can be made per request and dropped.
 *
 * @example
 * const client = createClient({ url: 'http://127.0.0.1:3000', token });
 * const { task } = await client.tasks.create({ title: 'Fix the flaky test' }, { idempotencyKey: 'ci-42' });
 */
export function createClient(options: ClientOptions) {
  const send = createTransport(options);
  return {
    tasks: tasksResource(send),
    agents: agentsResource(send),
    events: eventLogResource(send),
    tokens: tokensResource(send),
    /** Liveness and store reachability; an unreachable store answers 503 (SwitchboardApiError STORE_UNAVAILABLE). */
    health: (o?: RequestOptions) => send<Health>('health', o?.signal === undefined ? {} : { signal: o.signal }),
  };
}

/** The client createClient returns. */
export type SwitchboardClient = ReturnType<typeof createClient>;

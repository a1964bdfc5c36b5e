import {
  LiveEvents,
  subscribe,
  type LiveEventName,
  type RealtimeOptions,
  type ReplayDone,
  type SocketPayloads,
  type SubscribeOptions,
} from './events.js';
import { work, type WorkContext, type WorkOptions } from './work-loop.js';
import { createTransport, type TransportOptions } from './http.js';
import type { EventView, Health, WhoamiResponse } from './wire.js';
import {
  agentsResource,
  eventLogResource,
  notificationsResource,
  tasksResource,
  tokensResource,
  type RequestOptions,
} from './resources.js';

/** What createClient needs: the server's URL, optionally a token, a fetch and socket options. */
export type ClientOptions = TransportOptions & Pick<RealtimeOptions, 'transports' | 'onError'>;

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
  const live = new LiveEvents(options);
  const subscriptions = new Set<{ close(): void }>();
  const client = {
    tasks: tasksResource(send),
    agents: agentsResource(send),
    events: {
      ...eventLogResource(send),
      /**
       * The resumable live stream of domain events (one socket per subscription), resuming
       * after `lastEventId` and after every reconnect; `onReplayDone` says whether a resume
       * was complete (`truncated`: more was missed than the server replays).
       */
      subscribe(params: SubscribeOptions, handler: (event: EventView) => void, onReplayDone?: (done: ReplayDone) => void) {
        const subscription = subscribe(options, params, handler, onReplayDone);
        const close = subscription.close;
        const tracked = Object.assign(subscription, {
          close: () => {
            subscriptions.delete(tracked);
            close();
          },
        });
        subscriptions.add(tracked);
        return tracked;
      },
    },
    /** Named live socket messages (`task:assigned`, ...), typed from the server's one map; returns the unsubscribe. */
    on: <K extends LiveEventName>(name: K, handler: (payload: SocketPayloads[K]) => void) => live.on(name, handler),
    /** Resolves once the socket behind `on` is connected, so no message sent after it is missed. */
    connected: () => live.connected(),
    /** Closes every socket the client opened (`on` and every subscription). REST calls still work after it. */
    close(): void {
      live.close();
      for (const s of [...subscriptions]) s.close();
    },
    /** One agent's side: `work(handler, { concurrency })` runs the claim-heartbeat-report loop as this agent. */
    agent(agentId: string) {
      return {
        work: (handler: (ctx: WorkContext) => Promise<unknown>, workOptions?: WorkOptions) => work(client, agentId, handler, workOptions),
      };
    },
    tokens: tokensResource(send),
    notifications: notificationsResource(send),
    /** Liveness and store reachability; an unreachable store answers 503 (SwitchboardApiError STORE_UNAVAILABLE). */
    health: (o?: RequestOptions) => send<Health>('health', o?.signal === undefined ? {} : { signal: o.signal }),
    /** Who this client's token is: its principal (role, bound agent, token id) and the bound agent's view, or null. */
    whoami: (o?: RequestOptions) => send<WhoamiResponse>('whoami', o?.signal === undefined ? {} : { signal: o.signal }),
  };
  return client;
}

/** The client createClient returns. */
export type SwitchboardClient = ReturnType<typeof createClient>;

import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../core/events.js';
import type { Store } from '../core/ports.js';
import { loadAgentState } from './agent-state.js';
import type { EventBus, Logger } from './event-bus.js';
import type { TokenRevocations } from './token-revocations.js';

/**
 * A broadcast channel between the nodes sharing one database (PostgreSQL LISTEN/NOTIFY
 * in production). Delivery is best effort: a node that misses a message only misses a
 * wake-up, never data, since everything is in the store.
 */
export interface ClusterChannel {
  publish(message: string): Promise<void>;
  subscribe(handler: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** NOTIFY payloads must stay under 8,000 bytes: ids are sent in chunks of this many. */
export const RELAY_IDS_PER_MESSAGE = 400;

/** Log appends announced per NOTIFY payload at most (each a task id and a seq range, well under 100 bytes). */
export const RELAY_LOGS_PER_MESSAGE = 50;

/** Lines appended to one task: seqs `after + 1` .. `after + count`, read back from the store by the other nodes. */
interface RelayedLogs {
  taskId: string;
  after: number;
  count: number;
}

/** One NOTIFY payload: committed event ids, log appends, or revoked token ids (sent at once, never batched behind events). */
interface RelayMessage {
  node: string;
  ids?: number[];
  logs?: RelayedLogs[];
  revokedTokens?: string[];
}

/**
 * Carries committed events between nodes: each node announces the ids of the events it
 * committed; the others read those events from the log and publish them on their own
 * bus (marked `remote`), so every node's Socket.io clients, timers and long-polling
 * claims hear about every change. Ids, not "everything after N", are sent because
 * concurrent writers commit event ids out of order. Token revocations travel the same
 * channel, so a revoked token's sockets are cut on every node, not just the one that
 * revoked it.
 */
export class ClusterRelay {
  readonly node = randomUUID();
  #pending: number[] = [];
  #pendingLogs: RelayedLogs[] = [];
  #flushing: NodeJS.Immediate | null = null;
  #unsubscribe: (() => void) | null = null;
  #unsubscribeLogs: (() => void) | null = null;
  #unsubscribeRevocations: (() => void) | null = null;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly channel: ClusterChannel,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly revocations?: TokenRevocations,
  ) {}

  async start(): Promise<void> {
    await this.channel.subscribe((message) => void this.#receive(message));
    this.#unsubscribe = this.bus.subscribe(({ event, remote }) => {
      if (remote === true || this.#closed) return;
      this.#pending.push(event.id);
      this.#flushing ??= setImmediate(() => this.#flush());
    });
    // Lines can be 8 KiB each, past what a NOTIFY carries: the range travels, the lines are read from the store.
    this.#unsubscribeLogs = this.bus.subscribeLogs(({ taskId, lines, remote }) => {
      const first = lines[0];
      if (remote === true || this.#closed || first === undefined) return;
      this.#pendingLogs.push({ taskId, after: first.seq - 1, count: lines.length });
      this.#flushing ??= setImmediate(() => this.#flush());
    });
    this.#unsubscribeRevocations =
      this.revocations?.subscribe((tokenId, origin) => {
        if (origin === 'remote' || this.#closed) return;
        this.#send({ node: this.node, revokedTokens: [tokenId] });
      }) ?? null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribeLogs?.();
    this.#unsubscribeRevocations?.();
    if (this.#flushing !== null) clearImmediate(this.#flushing);
    this.#flush();
    await this.channel.close();
  }

  #flush(): void {
    this.#flushing = null;
    const ids = this.#pending;
    this.#pending = [];
    for (let i = 0; i < ids.length; i += RELAY_IDS_PER_MESSAGE)
      this.#send({ node: this.node, ids: ids.slice(i, i + RELAY_IDS_PER_MESSAGE) });
    const logs = this.#pendingLogs;
    this.#pendingLogs = [];
    for (let i = 0; i < logs.length; i += RELAY_LOGS_PER_MESSAGE)
      this.#send({ node: this.node, logs: logs.slice(i, i + RELAY_LOGS_PER_MESSAGE) });
  }

  #send(message: RelayMessage): void {
    this.channel.publish(JSON.stringify(message)).catch((err: unknown) => this.logger.warn({ err }, 'cluster relay: publish failed'));
  }

  async #receive(raw: string): Promise<void> {
    try {
      const message = JSON.parse(raw) as RelayMessage;
      if (message.node === this.node) return;
      if (Array.isArray(message.revokedTokens))
        for (const tokenId of message.revokedTokens) if (typeof tokenId === 'string') this.revocations?.announce(tokenId, 'remote');
      if (Array.isArray(message.logs)) for (const logs of message.logs) await this.#replayLogs(logs);
      if (!Array.isArray(message.ids) || message.ids.length === 0) return;
      for (const event of await this.#events(message.ids)) {
        const task = event.taskId !== null ? await this.store.tasks.get({ id: event.taskId }) : null;
        const agent = event.agentId !== null ? await loadAgentState(this.store, event.agentId) : null;
        this.bus.publish({ event, task, agent, remote: true });
      }
    } catch (err) {
      this.logger.warn({ err }, 'cluster relay: could not replay a message');
    }
  }

  async #replayLogs({ taskId, after, count }: RelayedLogs): Promise<void> {
    const lines = await this.store.logs.list({ taskId, after, limit: count });
    if (lines.length > 0) this.bus.publishLogs({ taskId, lines, remote: true });
  }

  async #events(ids: number[]): Promise<StoredEvent[]> {
    const wanted = new Set(ids);
    const min = Math.min(...ids);
    const max = Math.max(...ids);
    const found: StoredEvent[] = [];
    for (let afterId = min - 1; found.length < wanted.size;) {
      const page = await this.store.events.list({ afterId, beforeId: max + 1, order: 'asc', limit: 1000 });
      found.push(...page.filter((e) => wanted.has(e.id)));
      const last = page.at(-1);
      if (page.length < 1000 || last === undefined) break;
      afterId = last.id;
    }
    return found;
  }
}

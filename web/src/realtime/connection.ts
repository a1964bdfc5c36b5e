import { io, type Socket } from 'socket.io-client';
import type { AgentView, EventView, Metrics, SocketPayloads, TaskView } from 'switchboard/sdk';
import type { TokenStore } from '../api/token-store.js';
import { AGENT_MESSAGES, TASK_MESSAGES, type BatchedMessage, type ClientToServerEvents, type ServerToClientEvents } from './messages.js';

const TASK_NAMES: ReadonlySet<string> = new Set(TASK_MESSAGES);
const AGENT_NAMES: ReadonlySet<string> = new Set(AGENT_MESSAGES);
const isTaskMessage = (m: BatchedMessage): m is Extract<BatchedMessage, { name: (typeof TASK_MESSAGES)[number] }> => TASK_NAMES.has(m.name);
const isAgentMessage = (m: BatchedMessage): m is Extract<BatchedMessage, { name: (typeof AGENT_MESSAGES)[number] }> =>
  AGENT_NAMES.has(m.name);

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** After this many failed attempts in a row the indicator says "offline" (it keeps trying). */
const OFFLINE_AFTER_FAILURES = 3;

export interface LiveHandlers {
  task(task: TaskView): void;
  agent(agent: AgentView): void;
  agentRemoved(agentId: string): void;
  metrics(metrics: Metrics): void;
  event(event: EventView): void;
  taskLog(payload: SocketPayloads['task:log']): void;
  /**
   * Every connect, the first included. Log lines are not events: no replay brings back
   * those sent while the socket was away (or not yet there), so their readers catch up.
   */
  connected(): void;
  /** A reconnect (not the first connect) succeeded: missed events are being replayed. */
  resumed(): void;
  /** The replay after a resume ended; `truncated`: more was missed than the server replays. */
  replayDone(truncated: boolean): void;
  unauthorized(): void;
}

type Listener = () => void;

/**
 * The one Socket.io connection of the page: same origin, default path, websocket with
 * polling fallback. Credentials and the resume point are read on every (re)connect, so
 * a reconnect asks the server to replay what was missed (`auth.lastEventId`). It asks
 * for `auth.batch`: a busy server then sends a few frames a second instead of one per
 * message, each unpacked here into the same handlers the single messages reach.
 */
export class LiveConnection {
  readonly #tokens: TokenStore;
  readonly #handlers: LiveHandlers;
  readonly #listeners = new Set<Listener>();
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #status: ConnectionStatus = 'connecting';
  #lastEventId: number | null = null;
  #everConnected = false;
  #failures = 0;
  #unsubscribeToken: (() => void) | null = null;
  /** Bumped by stop(): a start() whose resume point arrives after a stop() does nothing. */
  #generation = 0;

  readonly #resumePoint: () => Promise<number | null>;

  /**
   * `resumePoint` reads the newest event id before the first connect: the first
   * connection already resumes from it, so nothing committed between the page's first
   * REST reads and the socket handshake is lost.
   */
  constructor(tokens: TokenStore, handlers: LiveHandlers, resumePoint: () => Promise<number | null>) {
    this.#tokens = tokens;
    this.#handlers = handlers;
    this.#resumePoint = resumePoint;
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getStatus = (): ConnectionStatus => this.#status;

  get lastEventId(): number | null {
    return this.#lastEventId;
  }

  /** Raises the resume point (also fed from REST reads of the event log). */
  noteEventId(id: number): void {
    if (this.#lastEventId === null || id > this.#lastEventId) this.#lastEventId = id;
  }

  /**
   * Reads the resume point, then connects. The Socket.io client is no longer worth a lazy
   * chunk: the SDK's client, which every REST call goes through, already imports it.
   */
  start(): void {
    if (this.#socket !== null) return;
    const generation = ++this.#generation;
    const head = this.#lastEventId === null ? this.#resumePoint().catch(() => null) : Promise.resolve(null);
    void head.then((id) => {
      if (id !== null) this.noteEventId(id);
      if (generation === this.#generation && this.#socket === null) this.#connect();
    });
  }

  #connect(): void {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      auth: (cb) => {
        const auth: { token?: string; lastEventId?: number; batch: true } = { batch: true };
        const token = this.#tokens.get();
        if (token !== null) auth.token = token;
        if (this.#lastEventId !== null) auth.lastEventId = this.#lastEventId;
        cb(auth);
      },
    });
    this.#socket = socket;
    this.#wire(socket);
    this.#unsubscribeToken = this.#tokens.subscribe(() => {
      socket.disconnect();
      socket.connect();
    });
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
  }

  stop(): void {
    this.#generation++;
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    this.#unsubscribeToken?.();
    this.#unsubscribeToken = null;
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
  }

  /** What each message a domain event produces does here, whether it came alone or in a `batch`. */
  #receive(message: BatchedMessage): void {
    const h = this.#handlers;
    if (isTaskMessage(message)) {
      h.task(message.payload.task);
      if ('agent' in message.payload) h.agent(message.payload.agent);
    } else if (isAgentMessage(message)) h.agent(message.payload.agent);
    else if (message.name === 'agent:removed') h.agentRemoved(message.payload.agentId);
    else if (message.name === 'metrics:updated') h.metrics(message.payload.metrics);
    else if (message.name === 'task:log') h.taskLog(message.payload);
    else if (message.name === 'event') {
      this.noteEventId(message.payload.id);
      h.event(message.payload);
    } else if (message.name === 'replay:done') h.replayDone(message.payload.truncated);
  }

  #wire(socket: Socket<ServerToClientEvents, ClientToServerEvents>): void {
    const h = this.#handlers;
    // Servers that predate batches, and replies to clients that did not ask, still send single messages.
    socket.onAny((name: string, payload: unknown) => {
      if (name !== 'batch') this.#receive({ name, payload } as BatchedMessage);
    });
    socket.on('batch', (b) => {
      for (const m of b.messages) this.#receive(m);
    });
    socket.on('connect', () => {
      this.#failures = 0;
      this.#setStatus('connected');
      h.connected();
      if (this.#everConnected) h.resumed();
      this.#everConnected = true;
    });
    socket.on('disconnect', (reason) => {
      this.#setStatus('reconnecting');
      // The server closed the session on purpose: Socket.io will not retry by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err) => {
      this.#failures++;
      const code = (err as Error & { data?: { code?: unknown } }).data?.code;
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || /unauth|forbidden/i.test(err.message)) {
        this.#setStatus('offline');
        h.unauthorized();
        return;
      }
      if (!socket.active || this.#failures >= OFFLINE_AFTER_FAILURES) this.#setStatus('offline');
      else this.#setStatus(this.#everConnected ? 'reconnecting' : 'connecting');
      if (!socket.active) setTimeout(() => this.#socket === socket && socket.connect(), 2_000);
    });
  }

  readonly #onOnline = (): void => {
    if (this.#socket !== null && !this.#socket.connected) this.#socket.connect();
  };

  readonly #onOffline = (): void => this.#setStatus('offline');

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }
}

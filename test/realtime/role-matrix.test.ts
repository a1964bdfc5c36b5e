import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_PERMISSION, type Role } from '../../src/core/access.js';
import { expectedFor } from '../support/access-matrix.js';
import { refusedWith, startSecuredServer, type SecuredServer } from '../support/secured-server.js';

/**
 * The role x operation matrix of test/api/role-matrix.test.ts, over Socket.io: every kind of
 * caller either connects or is refused with the code REST gives the same credential on a
 * route of the same permission, and a connected socket receives domain events and task:log
 * exactly when `can(role, STREAM_PERMISSION)` says so. Expectations come from the one table
 * in src/core/access.ts through test/support/access-matrix.ts, as the REST and MCP matrices' do.
 */
const AGENT_ID = 'matrix-agent';
const WAIT_MS = 5000;

/** How a caller presents itself: a socket's `auth` and headers, and the same credential over HTTP. */
interface Presented {
  auth: Record<string, unknown>;
  headers: Record<string, string>;
  secret: string | null;
}

interface Row {
  caller: string;
  /** Which server it knocks on: anonymous callers are none (closed) or viewers (open). */
  anonymousRole: Role | 'none';
  /** The role the credential proves, or null when it proves none (refused before any rule). */
  role: Role | null;
  anonymous: boolean;
  present(secrets: Record<string, string>): Presented;
}

const byToken = (name: string) => (secrets: Record<string, string>) => {
  const secret = secrets[name] ?? '';
  return { auth: { token: secret }, headers: {}, secret };
};
const ROWS: readonly Row[] = [
  ...(['admin', 'operator', 'viewer', 'agent'] as const).map((role) => ({
    caller: role,
    anonymousRole: 'none' as const,
    role,
    anonymous: false,
    present: byToken(role),
  })),
  { caller: 'anonymous (anonymousRole none)', anonymousRole: 'none', role: null, anonymous: true, present: () => noCredential },
  { caller: 'anonymous (anonymousRole viewer)', anonymousRole: 'viewer', role: 'viewer', anonymous: true, present: () => noCredential },
  {
    caller: 'malformed Authorization header',
    anonymousRole: 'none',
    role: null,
    anonymous: false,
    present: () => ({ auth: {}, headers: { authorization: 'Basic bm90OmJlYXJlcg==' }, secret: null }),
  },
  {
    caller: 'unknown token',
    anonymousRole: 'none',
    role: null,
    anonymous: false,
    present: () => byToken('unknown')({ unknown: 'sbt_nope' }),
  },
  { caller: 'revoked token', anonymousRole: 'none', role: null, anonymous: false, present: byToken('revoked') },
];
const noCredential: Presented = { auth: {}, headers: {}, secret: null };

/** What the table says: connected, or the code of the refusal. */
function expectedOf(row: Row): string {
  const expected = expectedFor(row, STREAM_PERMISSION);
  return expected === 'allowed' ? 'connected' : expected;
}

describe('role matrix over Socket.io: connect, refusal codes and what each caller receives', () => {
  const servers = new Map<Role | 'none', SecuredServer>();
  const secrets: Record<string, string> = {};
  const sockets = new Map<string, { socket: Socket; received: { name: string; payload: any }[]; outcome: unknown }>();

  beforeAll(async () => {
    for (const anonymousRole of ['none', 'viewer'] as const) servers.set(anonymousRole, await startSecuredServer({ anonymousRole }));
    const closed = servers.get('none')!;
    expect((await closed.http('POST', '/api/agents', closed.adminSecret, { id: AGENT_ID, name: 'Matrix' })).status).toBe(201);
    for (const role of ['admin', 'operator', 'viewer', 'agent'] as const)
      secrets[role] = (await closed.tokens.issue({ label: role, role, agentId: role === 'agent' ? AGENT_ID : null })).secret;
    const revoked = await closed.tokens.issue({ label: 'revoked', role: 'admin' });
    expect(await closed.tokens.revoke(revoked.token.id)).toBe(true);
    secrets['revoked'] = revoked.secret;
    for (const row of ROWS) {
      const presented = row.present(secrets);
      const socket = servers.get(row.anonymousRole)!.socket(presented.auth, presented.headers);
      const received: { name: string; payload: any }[] = [];
      socket.onAny((name: string, payload: unknown) => received.push({ name, payload }));
      sockets.set(row.caller, { socket, received, outcome: await refusedWith(socket) });
    }
  });

  afterAll(async () => {
    for (const server of servers.values()) await server.close();
  });

  it('connects or refuses every caller as the access table says, with the code REST answers the same credential', async () => {
    const wrong: string[] = [];
    for (const row of ROWS) {
      const server = servers.get(row.anonymousRole)!;
      const presented = row.present(secrets);
      // GET /api/events needs STREAM_PERMISSION too: it is the stream's history.
      const rest = await server.http('GET', '/api/events?limit=1', presented.secret, undefined, presented.headers);
      const restOutcome = rest.status === 200 ? 'connected' : rest.json.code;
      const socketOutcome = sockets.get(row.caller)!.outcome;
      const expected = expectedOf(row);
      if (socketOutcome !== expected || restOutcome !== expected)
        wrong.push(`${row.caller}: socket ${String(socketOutcome)}, REST ${String(restOutcome)}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it('GET /api/events declares the permission the socket handshake checks', async () => {
    const server = servers.get('none')!;
    const doc = (await server.http('GET', '/api/openapi.json', null)).json;
    expect(doc.paths['/api/events'].get['x-permission']).toBe(STREAM_PERMISSION);
  });

  it('sends domain events and task:log to a socket exactly when its caller may read the stream', async () => {
    const taskOn = new Map<Role | 'none', string>();
    for (const [anonymousRole, server] of servers) {
      const admin = (method: string, path: string, body?: unknown) => server.http(method, path, server.adminSecret, body);
      if (anonymousRole !== 'none') expect((await admin('POST', '/api/agents', { id: AGENT_ID, name: 'Matrix' })).status).toBe(201);
      const id = (await admin('POST', '/api/tasks', { title: `streamed (${anonymousRole})` })).json.task.id as string;
      expect((await admin('POST', `/api/tasks/${id}/assign`, { agentId: AGENT_ID })).status).toBe(200);
      expect((await admin('POST', `/api/tasks/${id}/start`, {})).status).toBe(200);
      expect((await admin('POST', `/api/tasks/${id}/logs`, { lines: [{ text: 'matrix line' }] })).json.accepted).toBe(1);
      taskOn.set(anonymousRole, id);
    }
    const heard = (row: Row) => {
      const id = taskOn.get(row.anonymousRole);
      const { received } = sockets.get(row.caller)!;
      return {
        event: received.some((m) => m.name === 'event' && m.payload.taskId === id),
        created: received.some((m) => m.name === 'task:created' && m.payload.task.id === id),
        log: received.some((m) => m.name === 'task:log' && m.payload.taskId === id),
      };
    };
    const expectedOfRow = (row: Row) => {
      const may = expectedOf(row) === 'connected';
      return { event: may, created: may, log: may };
    };
    const settled = () => ROWS.every((row) => JSON.stringify(heard(row)) === JSON.stringify(expectedOfRow(row)));
    // Allowed sockets hear everything soon; a refused one would hear it as soon, so waiting for the allowed suffices.
    const until = Date.now() + WAIT_MS;
    while (!settled() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
    const wrong = ROWS.filter((row) => JSON.stringify(heard(row)) !== JSON.stringify(expectedOfRow(row))).map(
      (row) => `${row.caller}: heard ${JSON.stringify(heard(row))}, expected ${JSON.stringify(expectedOfRow(row))}`,
    );
    expect(wrong).toEqual([]);
    for (const row of ROWS) expect(sockets.get(row.caller)!.socket.connected).toBe(expectedOf(row) === 'connected');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { connected, refusedWith, startSecuredServer, type SecuredServer } from '../support/secured-server.js';

/** Issue 6 point 2: the bar for cutting a revoked token's sockets. */
const CUT_WITHIN_MS = 1_000;

let s: SecuredServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

async function mint(server: SecuredServer, label: string): Promise<{ id: string; secret: string }> {
  const res = await server.http('POST', '/api/tokens', server.adminSecret, { label, role: 'viewer' });
  expect(res.status).toBe(201);
  return { id: res.json.token.id as string, secret: res.json.secret as string };
}

describe('revoking a token (one node, SQLite)', () => {
  it("disconnects every socket opened with it within a second, leaves other tokens' sockets live, and refuses its reconnect", async () => {
    s = await startSecuredServer();
    const wallboard = await mint(s, 'wallboard');
    const other = await mint(s, 'other');
    const revokedA = s.socket({ token: wallboard.secret });
    const revokedB = s.socket({ token: wallboard.secret, batch: true });
    const kept = s.socket({ token: other.secret });
    await Promise.all([connected(revokedA), connected(revokedB), connected(kept)]);

    const cut = [revokedA, revokedB].map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)));
    const started = Date.now();
    expect((await s.http('DELETE', `/api/tokens/${wallboard.id}`, s.adminSecret)).status).toBe(200);
    const reasons = await Promise.race([
      Promise.all(cut),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('revoked sockets still open after 1 s')), CUT_WITHIN_MS)),
    ]);
    expect(Date.now() - started).toBeLessThan(CUT_WITHIN_MS);
    expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);

    // The other token's socket still hears the live feed.
    const heard = new Promise<{ task: { id: string } }>((resolve) => kept.once('task:created', resolve));
    const created = await s.http('POST', '/api/tasks', s.adminSecret, { title: 'after the revocation' });
    expect((await heard).task.id).toBe(created.json.task.id);
    expect(kept.connected).toBe(true);

    expect(await refusedWith(s.socket({ token: wallboard.secret }))).toBe('UNAUTHENTICATED');
    expect((await s.http('GET', '/api/tasks', wallboard.secret)).status).toBe(401);
  });

  it('cuts a socket whose handshake read the token as valid just before the revocation committed', async () => {
    s = await startSecuredServer();
    const token = await mint(s, 'racer');
    const server = s;
    // Revoke between the handshake's token check and the connection: the gateway has
    // authenticated the socket, but it has not joined its token's room yet.
    const original = server.tokens.authenticate.bind(server.tokens);
    server.tokens.authenticate = async (secret) => {
      const principal = await original(secret);
      if (principal?.tokenId === token.id) await server.tokens.revoke(token.id);
      return principal;
    };
    const socket = s.socket({ token: token.secret });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('disconnect', (reason) => resolve(`disconnect: ${reason}`));
      socket.once('connect_error', (err) => resolve(`refused: ${err.message}`));
    });
    expect(outcome).toBe('disconnect: io server disconnect');
  });
});

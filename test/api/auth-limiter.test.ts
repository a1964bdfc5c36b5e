import { afterEach, describe, expect, it } from 'vitest';
import { AUTH_FAILURES_MAX, AUTH_FAILURE_WINDOW_MS } from '../../src/services/authentication.js';
import { refusedWith, startSecuredServer, type SecuredServer } from '../support/secured-server.js';

let s: SecuredServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

const failHttp = async (server: SecuredServer, times: number, headers: Record<string, string> = {}) => {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await server.http('GET', '/api/tasks', `sbt_guess-${i}`, undefined, headers)).status);
  return statuses;
};

describe('failed-authentication limiter shared by HTTP and Socket.io', () => {
  it('counts HTTP and socket failures together, and never refuses a valid token on either', async () => {
    s = await startSecuredServer();
    expect(await failHttp(s, AUTH_FAILURES_MAX - 1)).toEqual(Array(AUTH_FAILURES_MAX - 1).fill(401));
    // The 20th failure comes over Socket.io: it still counts against the same address.
    expect(await refusedWith(s.socket({ token: 'sbt_guess-socket' }))).toBe('UNAUTHENTICATED');
    expect((await s.http('GET', '/api/tasks', 'sbt_guess-next')).status).toBe(429);
    expect(await refusedWith(s.socket({ token: 'sbt_guess-next' }))).toBe('RATE_LIMITED');

    // The admin behind the same address is not locked out, over either transport.
    expect((await s.http('GET', '/api/tasks', s.adminSecret)).status).toBe(200);
    expect(await refusedWith(s.socket({ token: s.adminSecret }))).toBe('connected');

    s.clock.advance(AUTH_FAILURE_WINDOW_MS);
    expect((await s.http('GET', '/api/tasks', 'sbt_guess-later')).status).toBe(401);
  });

  it('by default ignores X-Forwarded-For: a client cannot pick a fresh address per guess', async () => {
    s = await startSecuredServer();
    for (let i = 0; i < AUTH_FAILURES_MAX; i++)
      await s.http('GET', '/api/tasks', `sbt_guess-${i}`, undefined, { 'x-forwarded-for': `203.0.113.${i}` });
    expect((await s.http('GET', '/api/tasks', 'sbt_guess', undefined, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(429);
    expect(await refusedWith(s.socket({ token: 'sbt_guess' }, { 'x-forwarded-for': '198.51.100.2' }))).toBe('RATE_LIMITED');
  });

  it('behind a trusted proxy, counts per client from X-Forwarded-For on HTTP and socket handshakes alike', async () => {
    s = await startSecuredServer({ trustProxy: ['loopback'] });
    const guesser = { 'x-forwarded-for': '203.0.113.9' };
    const neighbour = { 'x-forwarded-for': '198.51.100.7' };
    await failHttp(s, AUTH_FAILURES_MAX, guesser);
    expect((await s.http('GET', '/api/tasks', 'sbt_guess', undefined, guesser)).status).toBe(429);
    expect(await refusedWith(s.socket({ token: 'sbt_guess' }, guesser))).toBe('RATE_LIMITED');
    // Another client behind the same proxy is unaffected: its failures are its own.
    expect((await s.http('GET', '/api/tasks', 'sbt_typo', undefined, neighbour)).status).toBe(401);
    expect(await refusedWith(s.socket({ token: 'sbt_typo' }, neighbour))).toBe('UNAUTHENTICATED');
  });
});

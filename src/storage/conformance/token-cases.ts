import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../core/access.js';
import { ConflictError } from '../../core/errors.js';
import { T0, rejectionOf, type StoreHarness } from './fixtures.js';

/** API tokens: stored by hash, listed oldest first, revoked once. */
export function tokenCases(h: StoreHarness): void {
  const token = (id: string, createdAt: number, extra: Partial<ApiToken> = {}): ApiToken => ({
    id,
    label: `token ${id}`,
    role: 'operator',
    agentId: null,
    secretHash: `hash-${id}`,
    createdAt,
    revokedAt: null,
    ...extra,
  });
  const insert = (t: ApiToken): Promise<void> => h.store.transaction((tx) => tx.tokens.insert(t));
  const revoke = (id: string, now: number): Promise<boolean> => h.store.transaction((tx) => tx.tokens.revoke({ id, now }));

  describe('tokens', () => {
    it('round-trips every field and finds a token by its hash', async () => {
      const agentToken = token('t-agent', T0, { role: 'agent', agentId: 'claude-1', label: 'runner “one”' });
      const revoked = token('t-old', T0 + 1, { role: 'viewer', revokedAt: T0 + 2 });
      await insert(agentToken);
      await insert(revoked);
      expect(await h.store.tokens.findByHash({ secretHash: 'hash-t-agent' })).toEqual(agentToken);
      expect(await h.store.tokens.findByHash({ secretHash: 'hash-t-old' })).toEqual(revoked);
      expect(await h.store.tokens.findByHash({ secretHash: 'HASH-T-AGENT' })).toBeNull();
      expect(await h.store.tokens.findByHash({ secretHash: 'nope' })).toBeNull();
    });

    it('lists every token oldest first', async () => {
      expect(await h.store.tokens.list()).toEqual([]);
      const [b, a, c] = [token('b', T0 + 2), token('a', T0 + 1), token('c', T0 + 3, { role: 'admin' })];
      await insert(b);
      await insert(c);
      await insert(a);
      expect(await h.store.tokens.list()).toEqual([a, b, c]);
    });

    it('refuses a taken id or a taken hash with ConflictError', async () => {
      const first = token('t1', T0);
      await insert(first);
      const sameId = await rejectionOf(insert({ ...first, secretHash: 'other-hash' }));
      expect(sameId).toBeInstanceOf(ConflictError);
      expect(sameId).toMatchObject({ code: 'ALREADY_EXISTS' });
      const sameHash = await rejectionOf(insert({ ...first, id: 't2' }));
      expect(sameHash).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await h.store.tokens.list()).toEqual([first]);
    });

    it('revokes once: true and revokedAt = now, then false without changing it; false for an unknown id', async () => {
      await insert(token('t1', T0));
      expect(await revoke('t1', T0 + 10)).toBe(true);
      expect((await h.store.tokens.findByHash({ secretHash: 'hash-t1' }))?.revokedAt).toBe(T0 + 10);
      expect(await revoke('t1', T0 + 20)).toBe(false);
      expect((await h.store.tokens.findByHash({ secretHash: 'hash-t1' }))?.revokedAt).toBe(T0 + 10);
      expect(await revoke('ghost', T0 + 20)).toBe(false);
    });
  });
}

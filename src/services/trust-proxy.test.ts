import { describe, expect, it } from 'vitest';
import { clientAddress, trustEntryProblem, trustFunction } from './trust-proxy.js';

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', trustFunction(false))).toBe('127.0.0.1');
  });

  it('takes the leftmost hop when every hop is trusted', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.9, 10.0.0.1', trustFunction(true))).toBe('203.0.113.9');
  });

  it('walks back through trusted proxies only, so a client cannot prepend a made-up address', () => {
    const trust = trustFunction(['10.0.0.0/8']);
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxies appended its real address and their own.
    expect(clientAddress('10.0.0.2', '1.2.3.4, 198.51.100.7, 10.0.0.1', trust)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '1.2.3.4', trust)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', undefined, trust)).toBe('10.0.0.2');
  });

  it('knows the named ranges and IPv4 peers on dual-stack sockets', () => {
    const trust = trustFunction(['loopback', 'uniquelocal']);
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('::1', '192.168.1.5, 203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('::1', ['203.0.113.9', '192.168.1.5'], trust)).toBe('203.0.113.9');
  });
});

describe('trustEntryProblem', () => {
  it('accepts addresses, CIDR ranges and preset names, and names what is wrong otherwise', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '::1', 'fc00::/7', 'loopback']) expect(trustEntryProblem(ok), ok).toBeNull();
    for (const bad of ['proxy.local', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '2']) expect(trustEntryProblem(bad), bad).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedTokenResponse, TokenListResponse } from '../../src/sdk/index.js';
import { runCli, startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
beforeAll(async () => {
  sb = await startCliServer();
});
afterAll(async () => {
  await sb?.stop();
});

describe('switchboard token create, list and revoke; who may call', () => {
  it('create: the secret alone on stdout, the rest on stderr; --json prints the whole answer', async () => {
    const viewer = await sb.run(['token', 'create', '--role', 'viewer', '--label', 'dashboard wall']);
    expect(viewer.code).toBe(0);
    expect(viewer.stdout).toMatch(/^sbt_[A-Za-z0-9_-]+\n$/);
    expect(viewer.stderr).toMatch(/^Created viewer token "dashboard wall" \(id [\w-]+\)\. It is shown only this once:\n$/);
    // The secret works: a viewer reads.
    expect((await sb.run(['task', 'list'], { SWITCHBOARD_TOKEN: viewer.stdout.trim() })).code).toBe(0);

    await sb.client.agents.register({ id: 'bot-1', name: 'Bot' });
    const agent = await sb.run(['--json', 'token', 'create', '--role', 'agent', '--agent', 'bot-1']);
    const answer = JSON.parse(agent.stdout) as IssuedTokenResponse;
    expect(answer).toMatchObject({ success: true, token: { role: 'agent', agentId: 'bot-1', label: 'agent bot-1', revokedAt: null } });
    expect(answer.secret).toMatch(/^sbt_/);
  });

  it('create: an agent role without --agent is the server refusing the request (exit 1, VALIDATION_FAILED and the field)', async () => {
    const refused = await sb.run(['token', 'create', '--role', 'agent']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe('error: agentId is required for the agent role, and only for it (VALIDATION_FAILED) [field /agentId]\n');
    const badRole = await sb.run(['token', 'create', '--role', 'root']);
    expect(badRole.code).toBe(2);
  });

  it('list and revoke: a revoked token is refused at once (exit 4, UNAUTHENTICATED)', async () => {
    const secret = (await sb.run(['token', 'create', '--role', 'operator', '--label', 'short-lived'])).stdout.trim();
    const [listedJson, table] = await Promise.all([sb.run(['--json', 'token', 'list']), sb.run(['token', 'list'])]);
    const id = (JSON.parse(listedJson.stdout) as TokenListResponse).tokens.find((t) => t.label === 'short-lived')?.id ?? '';
    expect(table.stdout).toMatch(/^ID\s+ROLE\s+AGENT\s+CREATED\s+REVOKED\s+LABEL$/m);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+operator\\s+-\\s+\\S+ \\S+\\s+-\\s+short-lived$`, 'm'));
    expect(table.stdout).not.toContain(secret);

    expect(await sb.run(['token', 'revoke', id])).toMatchObject({ code: 0, stdout: `Revoked token ${id}.\n` });
    const refused = await sb.run(['task', 'list'], { SWITCHBOARD_TOKEN: secret });
    expect(refused).toMatchObject({ code: 4, stdout: '' });
    expect(refused.stderr).toContain('(UNAUTHENTICATED)');
  });

  it('no token: exit 4 with a hint; a role without the permission: exit 4, FORBIDDEN', async () => {
    const anonymous = await runCli(['task', 'list'], { SWITCHBOARD_URL: sb.url });
    expect(anonymous).toMatchObject({ code: 4, stdout: '' });
    expect(anonymous.stderr).toContain('(UNAUTHENTICATED)');
    expect(anonymous.stderr).toContain('hint: pass a token with --token or SWITCHBOARD_TOKEN');

    const viewer = (await sb.client.tokens.create({ label: 'reader', role: 'viewer' })).secret;
    // --token wins over SWITCHBOARD_TOKEN (the admin's).
    const forbidden = await sb.run(['--token', viewer, '--json', 'task', 'create', '--title', 'Not allowed']);
    expect(forbidden).toMatchObject({ code: 4, stdout: '' });
    expect(JSON.parse(forbidden.stderr)).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('a server that cannot be reached exits 3; a bad --url exits 2', async () => {
    const [unreachable, badUrl] = await Promise.all([
      // Port 9 (discard) on loopback: nothing listens there in a test run.
      runCli(['task', 'list'], { SWITCHBOARD_URL: 'http://127.0.0.1:9' }),
      runCli(['--url', 'ftp://example', 'task', 'list'], {}),
    ]);
    expect(unreachable).toMatchObject({ code: 3, stdout: '' });
    expect(unreachable.stderr).toMatch(/^error: cannot reach the server at http:\/\/127\.0\.0\.1:9: .*\(NETWORK\)\n$/);
    expect(badUrl).toMatchObject({ code: 2, stdout: '' });
    expect(badUrl.stderr).toContain('Invalid --url');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhoamiResponse } from '../../src/sdk/index.js';
import { runCli, startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
beforeAll(async () => {
  sb = await startCliServer();
});
afterAll(async () => {
  await sb?.stop();
});

describe('switchboard whoami', () => {
  it('the admin token: the server, the role and the token; no agent line', async () => {
    const outcome = await sb.run(['whoami']);
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(outcome.stdout).toMatch(new RegExp(`^Server\\s+${sb.url}$`, 'm'));
    expect(outcome.stdout).toMatch(/^Role\s+admin$/m);
    expect(outcome.stdout).toMatch(/^Subject\s+token:[\w-]+$/m);
    expect(outcome.stdout).not.toMatch(/^Agent/m);
  });

  it('an agent token names its agent; --json prints the answer; once the agent is removed it says so', async () => {
    await sb.client.agents.register({ id: 'ana', name: 'Ana', kind: 'human' });
    const { secret, token } = await sb.client.tokens.create({ label: 'ana', role: 'agent', agentId: 'ana' });
    const asAna = { SWITCHBOARD_TOKEN: secret };

    const text = await sb.run(['whoami'], asAna);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Role\s+agent$/m);
    expect(text.stdout).toMatch(/^Agent\s+ana {2}Ana {2}IDLE$/m);
    expect(text.stdout).toMatch(/^Kind\s+human$/m);

    const json = await sb.run(['whoami', '--json'], asAna);
    expect(JSON.parse(json.stdout) as WhoamiResponse).toMatchObject({
      success: true,
      principal: { subject: 'agent:ana', role: 'agent', agentId: 'ana', tokenId: token.id },
      agent: { id: 'ana', kind: 'human' },
    });

    await sb.client.agents.remove('ana');
    const removed = await sb.run(['whoami'], asAna);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Agent\s+ana \(removed: this token can no longer act as it\)$/m);
  });

  it('no token or a bad one exits 4 (UNAUTHENTICATED)', async () => {
    const anonymous = await runCli(['whoami'], { SWITCHBOARD_URL: sb.url });
    expect(anonymous).toMatchObject({ code: 4, stdout: '' });
    expect(anonymous.stderr).toContain('(UNAUTHENTICATED)');
    expect((await sb.run(['whoami'], { SWITCHBOARD_TOKEN: 'sbt_not-a-token' })).code).toBe(4);
  });
});

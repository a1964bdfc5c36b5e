import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentListResponse, AgentResponse } from '../../src/sdk/index.js';
import { startCliServer, type CliServer } from './cli-harness.js';

let sb: CliServer;
beforeAll(async () => {
  sb = await startCliServer();
});
afterAll(async () => {
  await sb?.stop();
});

describe('switchboard agent', () => {
  it('register: every flag reaches the agent; a line for people, the server answer with --json', async () => {
    const registered = await sb.run([
      '--json',
      'agent',
      'register',
      '--name',
      'Claude One',
      '--capabilities',
      'typescript,testing',
      '--kind',
      'ai',
      '--max-concurrent',
      '2',
      '--id',
      'claude-1',
      '--reliability',
      '0.8',
      '--cost-per-hour',
      '3.5',
    ]);
    expect(registered.code).toBe(0);
    expect((JSON.parse(registered.stdout) as AgentResponse).agent).toMatchObject({
      id: 'claude-1',
      name: 'Claude One',
      kind: 'ai',
      capabilities: ['testing', 'typescript'],
      maxConcurrentTasks: 2,
      declaredReliability: 0.8,
      costPerHour: 3.5,
    });
    const paused = await sb.run(['agent', 'register', '--name', 'Night shift', '--kind', 'human', '--paused']);
    expect(paused).toMatchObject({ code: 0, stdout: 'Registered agent night-shift (PAUSED; capabilities -).\n' });
  });

  it('list and show: aligned tables; show has the tasks the agent holds', async () => {
    const { task } = await sb.client.tasks.create({ title: 'Held task', requiredCapabilities: ['typescript'] });
    await sb.client.tasks.assign(task.id, { agentId: 'claude-1' });
    const [listed, listedJson, shown] = await Promise.all([
      sb.run(['agent', 'list']),
      sb.run(['--json', 'agent', 'list']),
      sb.run(['agent', 'show', 'claude-1']),
    ]);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+KIND\s+STATUS\s+LOAD\s+DONE\s+FAILED\s+RELIABILITY\s+HEARTBEAT\s+CAPABILITIES$/);
    expect(rows).toEqual([
      expect.stringMatching(/^claude-1\s+Claude One\s+ai\s+ACTIVE\s+1\/2\s+0\s+0\s+0\.80\s+-\s+testing, typescript$/),
      expect.stringMatching(/^night-shift\s+Night shift\s+human\s+PAUSED\s+0\/1\s+0\s+0\s+\d\.\d\d\s+-\s+-$/),
    ]);
    expect((JSON.parse(listedJson.stdout) as AgentListResponse).agents.map((a) => a.id)).toEqual(['claude-1', 'night-shift']);
    expect(shown.stdout).toMatch(/^claude-1  Claude One$/m);
    expect(shown.stdout).toMatch(/^Load\s+1 of 2$/m);
    expect(shown.stdout).toMatch(/^Cost per hour\s+3\.5$/m);
    expect(shown.stdout).toMatch(new RegExp(`^Tasks\\nID .*\\n${task.id}\\s+ASSIGNED\\s+P2\\s+claude-1\\s.*Held task$`, 'm'));
  });

  it('pause and resume set the status the server reports', async () => {
    expect(await sb.run(['agent', 'pause', 'claude-1'])).toMatchObject({ code: 0, stdout: 'Agent claude-1 is PAUSED.\n' });
    expect((await sb.client.agents.get('claude-1')).agent.availability).toBe('PAUSED');
    expect(await sb.run(['agent', 'resume', 'claude-1'])).toMatchObject({ code: 0, stdout: 'Agent claude-1 is ACTIVE.\n' });
    expect((await sb.client.agents.get('claude-1')).agent.availability).toBe('AVAILABLE');
  });

  it('remove refuses without --yes (exit 2, nothing removed); with it the held tasks go back to the queue', async () => {
    const refused = await sb.run(['agent', 'remove', 'claude-1']);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain('pass --yes to confirm');
    expect((await sb.client.agents.get('claude-1')).agent.id).toBe('claude-1');

    const removed = await sb.run(['agent', 'remove', 'claude-1', '--yes']);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout).toMatch(/^Removed agent claude-1; back in the queue: TASK-\d+\.\n$/);
    const gone = await sb.run(['agent', 'show', 'claude-1']);
    expect(gone).toMatchObject({ code: 1, stdout: '' });
    expect(gone.stderr).toContain('(AGENT_NOT_FOUND)');
  });
});

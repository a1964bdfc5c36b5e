import { describe, expect, it } from 'vitest';
import { agentEntries } from './runner-config.js';

describe('agentEntries: which agents one runner serves, with which settings', () => {
  const settings = { profile: 'claude', timeout: 600 };

  it('--agent and --agents share the command line settings', () => {
    expect(agentEntries({ agent: 'a', settings })).toEqual([{ id: 'a', settings }]);
    expect(agentEntries({ agents: ['a', 'b'], settings }).map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('exactly one source of agents, and no agent twice', () => {
    expect(() => agentEntries({ settings })).toThrow('exactly one of --agent ID, --agents ID,ID or --config FILE');
    expect(() => agentEntries({ agent: 'a', agents: ['b'], settings })).toThrow('exactly one of');
    expect(() => agentEntries({ agents: ['a', 'a'], settings })).toThrow('Agent a is named twice');
  });

  it('a config entry overrides the command line; its paths are relative to the file; its token is its own', () => {
    const text = JSON.stringify({
      agents: [
        { id: 'claude-1', token: 'secret-1', repo: '../repo', maxConcurrent: 2 },
        { id: 'codex-1', profile: 'codex', promptTemplate: 'prompt.txt' },
      ],
    });
    const entries = agentEntries({ config: { path: '/etc/switchboard/runner.json', text }, settings });
    expect(entries).toEqual([
      { id: 'claude-1', token: 'secret-1', settings: { ...settings, repo: '/etc/repo', maxConcurrent: 2 } },
      { id: 'codex-1', settings: { ...settings, profile: 'codex', promptTemplate: '/etc/switchboard/prompt.txt' } },
    ]);
  });

  it('a config file that is not the schema is refused with the field named', () => {
    const config = (value: unknown) => ({ config: { path: 'r.json', text: JSON.stringify(value) }, settings });
    expect(() => agentEntries({ config: { path: 'r.json', text: '{' }, settings })).toThrow('--config r.json is not JSON');
    expect(() => agentEntries(config({ agents: [] }))).toThrow('--config r.json: /agents');
    expect(() => agentEntries(config({ agents: [{ id: 'a', timeout: -1 }] }))).toThrow('/agents/0/timeout');
    expect(() => agentEntries(config({ agents: [{ id: 'a', maxTurn: 3 }] }))).toThrow('--config r.json');
    expect(() => agentEntries(config({ agents: [{ id: 'a' }, { id: 'a' }] }))).toThrow('agent a is listed twice');
  });
});

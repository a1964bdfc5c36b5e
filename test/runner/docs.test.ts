import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { runCommand } from '../../src/cli/commands/run.js';
import type { CliRuntime } from '../../src/cli/runtime.js';
import { PROFILE_NAMES } from '../../src/runner/profiles/index.js';
import { AgentRunSettingsSchema } from '../../src/runner/runner-config.js';

const doc = readFileSync(new URL('../../docs/agents.md', import.meta.url), 'utf8');

describe('docs/agents.md stays in step with switchboard run', () => {
  const program = new Command();
  // Declaring the options never touches the runtime: only an action would.
  runCommand(program, {} as CliRuntime);
  const run = program.commands.find((command) => command.name() === 'run')!;

  it('documents every flag in the flags table', () => {
    const flags = run.options.map((option) => option.long ?? '');
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((flag) => !new RegExp(`^\\| \`${flag}[ \`]`, 'm').test(doc))).toEqual([]);
  });

  it('names every config file key and every profile', () => {
    const keys = Object.keys(AgentRunSettingsSchema.properties);
    expect(keys.filter((key) => !doc.includes(`\`${key}\``))).toEqual([]);
    expect(PROFILE_NAMES.filter((name) => !doc.includes(`| \`${name}\` |`))).toEqual([]);
  });
});

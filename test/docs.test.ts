import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.js';
import { EVENT_TYPES } from '../src/core/events.js';
import { TASK_STATUSES } from '../src/core/task.js';
import { CONFIG_VARIABLES } from '../src/config.js';

const doc = (name: string) => readFileSync(new URL(`../docs/${name}`, import.meta.url), 'utf8');

describe('docs stay in sync with the code', () => {
  it('docs/errors.md lists every error code, and only those', () => {
    const text = doc('errors.md');
    expect(ERROR_CODES.filter((code) => !text.includes(`\`${code}\``))).toEqual([]);
    const documented = [...text.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((code) => !(ERROR_CODES as readonly (string | undefined)[]).includes(code))).toEqual([]);
  });

  it('docs/events.md lists every domain event', () => {
    const text = doc('events.md');
    expect(EVENT_TYPES.filter((type) => !text.includes(`\`${type}\``))).toEqual([]);
  });

  it('the README documents every configuration variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(CONFIG_VARIABLES.map((v) => v.variable).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('docs/state-machine.md shows every status', () => {
    const text = doc('state-machine.md');
    expect(TASK_STATUSES.filter((s) => !text.includes(s))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { readResult } from '../../web/src/lib/task-result.js';

describe('task result (whatever the agent reported, read defensively)', () => {
  it("reads the runner's fields", () => {
    const reported = {
      summary: 'Fixed it',
      exitCode: 0,
      profile: 'claude',
      sessionId: 's-1',
      branch: 'switchboard/TASK-001-1',
      commit: 'abc123',
      changedFiles: 3,
    };
    expect(readResult(reported)).toEqual({ ...reported, other: null });
  });

  it('counts a list of changed files and keeps unknown fields as JSON', () => {
    const facts = readResult({ changedFiles: ['a.ts', 'b.ts'], tests: 'green' });
    expect(facts?.changedFiles).toBe(2);
    expect(facts?.other).toBe(JSON.stringify({ tests: 'green' }, null, 2));
  });

  it('takes a string as the summary, shows any other value as JSON, and nothing for no result', () => {
    expect(readResult('done')?.summary).toBe('done');
    expect(readResult([1, 2])?.other).toBe(JSON.stringify([1, 2], null, 2));
    expect(readResult(null)).toBeNull();
  });

  it('shows a known field of another type as JSON rather than wrongly', () => {
    expect(readResult({ exitCode: '0', summary: 'ok' })).toMatchObject({
      exitCode: null,
      summary: 'ok',
      other: JSON.stringify({ exitCode: '0' }, null, 2),
    });
  });
});

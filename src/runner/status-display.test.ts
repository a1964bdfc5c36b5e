import { describe, expect, it } from 'vitest';
import { liveStatusDisplay, plainDisplay } from './status-display.js';

const task = { id: 'TASK-001', title: 'Fix the test' };

describe('runner displays', () => {
  it('plain: one tagged line per claim, event and outcome', () => {
    let out = '';
    const display = plainDisplay((text) => (out += text));
    display.started(task, 'bot');
    display.event('TASK-001', { type: 'text', text: 'Looking.' });
    display.ended('TASK-001', 'completed: done');
    expect(out).toBe('TASK-001 claimed by bot: Fix the test\nTASK-001 Looking.\nTASK-001 completed: done\n');
  });

  it('live: a status line per running task, erased and redrawn under the lines that stay', () => {
    const writes: string[] = [];
    const display = liveStatusDisplay(
      (text) => writes.push(text),
      () => 200,
    );
    display.started(task, 'bot');
    expect(writes.at(-1)).toMatch(/^TASK-001 claimed by bot: Fix the test\nTASK-001 {2}bot {2}0s {2}starting\n$/);
    display.event('TASK-001', { type: 'usage', inputTokens: 5, outputTokens: 7, cachedTokens: 0, costUsd: 0.25 });
    display.event('TASK-001', { type: 'tool', id: null, name: 'Bash', status: 'started' });
    display.note('a note');
    // The one status line drawn is erased (cursor up, clear line) before the note, then drawn again.
    expect(writes.at(-1)).toBe('\x1b[1A\x1b[2Ka note\nTASK-001  bot  0s  in 5 out 7 cached 0 $0.2500  [tool] Bash started\n');
    display.ended('TASK-001', 'completed: done');
    expect(writes.at(-1)).toBe('\x1b[1A\x1b[2KTASK-001 completed: done\n');
    display.close();
  });

  it('live: a line wider than the terminal is cut to fit', () => {
    const writes: string[] = [];
    const display = liveStatusDisplay(
      (text) => writes.push(text),
      () => 40,
    );
    display.started({ id: 'TASK-002', title: 't' }, 'a-very-long-agent-name-indeed');
    const status = writes.at(-1)!.split('\n')[1]!;
    expect(status).toHaveLength(39);
    expect(status.endsWith('…')).toBe(true);
    display.close();
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * The README's "agent's loop over REST", run verbatim with curl against a real server
 * on its default settings (automatic dispatch, anonymous operator on loopback): what a
 * newcomer pastes first must work (issue 6, point 8).
 */
const run = promisify(execFile);
const README_BLOCK_INTRO = "An agent's loop over REST:";

/** The README's curl commands, continuation lines joined, in order. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(README_BLOCK_INTRO);
  expect(start, 'README keeps its agent loop').toBeGreaterThan(-1);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.startsWith('curl '));
}

let server: ServerProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-readme-'));
  server = await startServerProcess({ SWITCHBOARD_DATA: join(dir, 'switchboard.db') });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README agent loop, verbatim, on the default configuration', () => {
  it('registers, creates, claims at once, reports progress and completes', async () => {
    const commands = readmeCommands();
    expect(commands).toHaveLength(5);
    const host = new URL(server.baseUrl).host;
    const outputs: { json: Record<string, any>; ms: number }[] = [];
    for (const command of commands) {
      const started = Date.now();
      const { stdout } = await run('bash', ['-c', command.replaceAll('localhost:3000', host)], { timeout: 25_000 });
      outputs.push({ json: JSON.parse(stdout) as Record<string, any>, ms: Date.now() - started });
    }
    const [agent, created, claimed, progressed, completed] = outputs;
    expect(agent?.json).toMatchObject({ success: true, agent: { id: 'claude-1' } });
    expect(created?.json).toMatchObject({ success: true, task: { id: 'TASK-001' } });
    // Auto dispatch offered TASK-001 to claude-1 already; the claim starts that offer, not a 20 s wait.
    expect(claimed?.json).toMatchObject({ success: true, task: { id: 'TASK-001', status: 'IN_PROGRESS', agent: 'claude-1' } });
    expect(claimed?.ms).toBeLessThan(5_000);
    expect(progressed?.json).toMatchObject({ success: true, task: { progress: 60 } });
    expect(completed?.json).toMatchObject({ success: true, task: { status: 'COMPLETED', result: { pr: 42 } } });
  });
});

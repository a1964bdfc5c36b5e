import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.js';
import { ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * The README's "put an agent to work" block, run verbatim (the CLI through tsx instead of
 * `npx`, the URL through SWITCHBOARD_URL) against a real server on its default settings:
 * the newcomer's first three commands must complete a task with a result and a log.
 */
const run = promisify(execFile);
const README_BLOCK_INTRO = 'Put an agent to work';
const CLI = `${JSON.stringify(process.execPath)} --import tsx src/cli/main.ts`;

function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(README_BLOCK_INTRO);
  expect(start, 'README keeps its walk-through').toBeGreaterThan(-1);
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('npx switchboard '));
}

let server: ServerProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-walkthrough-'));
  server = await startServerProcess({ SWITCHBOARD_DATA: join(dir, 'switchboard.db') });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README walk-through, verbatim, on the default configuration', () => {
  it('registers an agent, creates a task, and the runner completes it with a result and a log', async () => {
    const commands = readmeCommands();
    expect(commands).toHaveLength(3);
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dir, SWITCHBOARD_URL: server.baseUrl };
    for (const command of commands) {
      await run('bash', ['-c', command.replace('npx switchboard ', `${CLI} `)], { cwd: ROOT, env, timeout: 60_000 });
    }
    const client = createClient({ url: server.baseUrl });
    const { task } = await client.tasks.get('TASK-001');
    expect(task).toMatchObject({ status: 'COMPLETED', agent: 'bot', result: { summary: expect.stringMatching(/^\s*\d+$/), exitCode: 0 } });
    const { lines } = await client.tasks.logs('TASK-001');
    expect(lines.map((l) => l.text)).toContain('working on TASK-001');
  });
});

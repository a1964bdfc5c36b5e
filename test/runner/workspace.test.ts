import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace, repositoryRoot } from '../../src/runner/workspace.js';
import { createTempRepo, type TempRepo } from './git-repo.js';

describe('attempt workspaces', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = createTempRepo();
  });
  afterEach(() => repo.remove());

  it('a worktree per attempt on switchboard/<task>-<attempt>; what the agent left is committed on the branch; the directory goes', async () => {
    const ws = await openWorkspace({ repo: repo.dir, taskId: 'TASK-012', attempt: 1, keep: false });
    expect(ws.branch).toBe('switchboard/TASK-012-1');
    expect(existsSync(join(ws.dir, 'README.md'))).toBe(true);
    writeFileSync(join(ws.dir, 'a.txt'), 'a\n');
    writeFileSync(join(ws.dir, 'README.md'), '# changed\n');
    const result = await ws.close();
    expect(result).toMatchObject({ branch: 'switchboard/TASK-012-1', changedFiles: 2 });
    expect(result?.commit).toBe(repo.git('rev-parse', 'switchboard/TASK-012-1'));
    expect(existsSync(ws.dir)).toBe(false);
    expect(repo.git('worktree', 'list')).not.toContain(ws.dir);
    // The repository's own checkout is untouched.
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('two attempts never share a directory, and an attempt number seen before gets the next free branch', async () => {
    const first = await openWorkspace({ repo: repo.dir, taskId: 'TASK-012', attempt: 1, keep: true });
    const again = await openWorkspace({ repo: repo.dir, taskId: 'TASK-012', attempt: 1, keep: false });
    expect(again.dir).not.toBe(first.dir);
    expect(again.branch).toBe('switchboard/TASK-012-1.2');
    expect(await again.close()).toMatchObject({ changedFiles: 0 });
    await first.close();
    // --keep-worktrees: the directory stays for a look.
    expect(existsSync(first.dir)).toBe(true);
    repo.git('worktree', 'remove', '--force', first.dir);
  });

  it('commits in the worktree count against the base, with the work kept on the branch', async () => {
    const ws = await openWorkspace({ repo: repo.dir, taskId: 'TASK-013', attempt: 2, keep: false });
    writeFileSync(join(ws.dir, 'b.txt'), 'b\n');
    const git = (...args: string[]) => (repo.git('-C', ws.dir, ...args), undefined);
    git('add', 'b.txt');
    git('commit', '--quiet', '-m', 'agent commit');
    const result = await ws.close();
    expect(result).toMatchObject({ branch: 'switchboard/TASK-013-2', changedFiles: 1 });
    expect(repo.git('log', '--format=%s', '-1', 'switchboard/TASK-013-2')).toBe('agent commit');
  });

  it('without a repository: a scratch directory, removed after', async () => {
    const ws = await openWorkspace({ taskId: 'TASK-014', attempt: 1, keep: false });
    expect(ws.branch).toBeUndefined();
    writeFileSync(join(ws.dir, 'scratch.txt'), 'x');
    expect(await ws.close()).toBeNull();
    expect(existsSync(ws.dir)).toBe(false);
  });

  it('--repo that is not a git repository is refused by name', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'switchboard-plain-'));
    try {
      await expect(repositoryRoot(plain)).rejects.toThrow(`--repo ${plain} is not a git repository`);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

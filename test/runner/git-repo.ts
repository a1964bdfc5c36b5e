import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway git repository with one commit, for the worktree tests; `remove()` deletes it. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  remove(): void;
}

export function createTempRepo(): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-repo-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch', 'main');
  git('config', 'user.name', 'Test');
  git('config', 'user.email', 'test@example.invalid');
  writeFileSync(join(dir, 'README.md'), '# test repo\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'initial');
  return { dir, git, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Prefix of every branch the runner creates, so they are easy to list and prune (`git branch --list 'switchboard/*'`). */
export const BRANCH_PREFIX = 'switchboard/';

/** Who commits what an agent left uncommitted, when the repository names nobody. */
const FALLBACK_COMMITTER = ['-c', 'user.name=Switchboard runner', '-c', 'user.email=runner@switchboard.invalid'];

/** What an attempt in a repository left: where its work is, for the task's result. */
export interface WorkspaceResult {
  branch: string;
  commit: string;
  /** Files that differ between the branch and the commit it started from. */
  changedFiles: number;
}

/** The directory one attempt runs in; `close()` collects its result and removes it (unless kept). */
export interface Workspace {
  dir: string;
  /** The attempt's branch; undefined in a scratch directory. */
  branch?: string;
  /**
   * Ends the attempt's use of the directory: in a repository, commits what the agent left
   * uncommitted (the worktree goes, the branch stays: work must survive the directory) and
   * reports branch, commit and changed files; then removes the directory unless `keep`.
   */
  close(): Promise<WorkspaceResult | null>;
}

export interface OpenWorkspaceInput {
  /** A git repository: the attempt gets its own worktree of it. Without one, a scratch directory. */
  repo?: string;
  taskId: string;
  attempt: number;
  keep: boolean;
}

/**
 * A fresh directory per attempt, never shared: two attempts in one directory would see each
 * other's half-done edits. In a repository that is a `git worktree` on a new branch
 * `switchboard/<TASK-ID>-<attempt>` from the repository's HEAD; when that branch already exists
 * (a released attempt comes back with the same number) the next free `...-<attempt>.<n>` is used.
 */
export async function openWorkspace(input: OpenWorkspaceInput): Promise<Workspace> {
  if (input.repo === undefined) {
    const dir = await mkdtemp(join(tmpdir(), `switchboard-${safeName(input.taskId)}-${input.attempt}-`));
    return {
      dir,
      async close() {
        if (!input.keep) await rm(dir, { recursive: true, force: true });
        return null;
      },
    };
  }
  const repo = await repositoryRoot(input.repo);
  const base = (await git(repo, ['rev-parse', 'HEAD'])).trim();
  const dir = await mkdtemp(join(tmpdir(), `switchboard-${basename(repo)}-${safeName(input.taskId)}-${input.attempt}-`));
  const branch = await addWorktree(repo, dir, `${BRANCH_PREFIX}${safeName(input.taskId)}-${input.attempt}`, base);
  return {
    dir,
    branch,
    async close() {
      try {
        await commitLeftovers(dir, `${input.taskId} attempt ${input.attempt}: changes the agent left uncommitted`);
        const commit = (await git(dir, ['rev-parse', 'HEAD'])).trim();
        const changed = (await git(dir, ['diff', '--name-only', base, commit])).split('\n').filter((line) => line !== '');
        return { branch, commit, changedFiles: changed.length };
      } finally {
        if (!input.keep) await git(repo, ['worktree', 'remove', '--force', dir]);
      }
    },
  };
}

/** Refuses a path that is not inside a git work tree, before any task is claimed. */
export async function repositoryRoot(path: string): Promise<string> {
  try {
    return (await git(resolve(path), ['rev-parse', '--show-toplevel'])).trim();
  } catch (err) {
    throw new Error(`--repo ${path} is not a git repository: ${gitMessage(err)}`, { cause: err });
  }
}

async function addWorktree(repo: string, dir: string, name: string, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const branch = n === 1 ? name : `${name}.${n}`;
    try {
      await git(repo, ['worktree', 'add', '--quiet', '-b', branch, dir, base]);
      return branch;
    } catch (err) {
      if (!/branch named .* already exists/.test(gitMessage(err))) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`could not add a worktree for ${branch}: ${gitMessage(err)}`, { cause: err });
      }
    }
  }
}

async function commitLeftovers(dir: string, message: string): Promise<void> {
  if ((await git(dir, ['status', '--porcelain'])).trim() === '') return;
  await git(dir, ['add', '--all']);
  const named = (await git(dir, ['config', 'user.email']).catch(() => '')).trim() !== '';
  // --no-verify: the repository's hooks judge the agent's work at review, not at the runner's bookkeeping commit.
  await git(dir, [...(named ? [] : FALLBACK_COMMITTER), 'commit', '--quiet', '--no-verify', '-m', message]);
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function gitMessage(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  return (typeof stderr === 'string' && stderr.trim() !== '' ? stderr : String(err)).trim();
}

/** Task ids are `TASK-012`; anything else a server may send is kept to characters a branch and a path accept. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * What a task's result says, read defensively: `result` is whatever the agent reported
 * (any JSON). The runner reports `{ summary, exitCode, profile, sessionId, branch, commit,
 * changedFiles }` (the last three in a repository);
 * another agent may send a string, or fields of its own, which are kept as JSON so
 * nothing it sent is hidden.
 */
export interface ResultFacts {
  summary: string | null;
  exitCode: number | null;
  /** The runner profile that ran the agent (claude, codex, command, ...). */
  profile: string | null;
  sessionId: string | null;
  branch: string | null;
  commit: string | null;
  /** How many files the attempt changed (a list of them is counted). */
  changedFiles: number | null;
  /** Everything else the result holds, as indented JSON; null when nothing is left. */
  other: string | null;
}

/** Null when the task has no result. */
export function readResult(result: unknown): ResultFacts | null {
  if (result === null || result === undefined) return null;
  const none: ResultFacts = {
    summary: null,
    exitCode: null,
    profile: null,
    sessionId: null,
    branch: null,
    commit: null,
    changedFiles: null,
    other: null,
  };
  if (typeof result === 'string') return { ...none, summary: result };
  if (typeof result !== 'object' || Array.isArray(result)) return { ...none, other: JSON.stringify(result, null, 2) };
  const fields = result as Record<string, unknown>;
  const changed = fields['changedFiles'];
  const facts: Omit<ResultFacts, 'other'> = {
    summary: text(fields['summary']),
    exitCode: typeof fields['exitCode'] === 'number' ? fields['exitCode'] : null,
    profile: text(fields['profile']),
    sessionId: text(fields['sessionId']),
    branch: text(fields['branch']),
    commit: text(fields['commit']),
    changedFiles: typeof changed === 'number' ? changed : Array.isArray(changed) ? changed.length : null,
  };
  // A field not shown above (unknown, or of a type we do not read) stays visible as JSON.
  const shown = new Set(Object.entries(facts).flatMap(([key, value]) => (value === null ? [] : [key])));
  const rest = Object.fromEntries(Object.entries(fields).filter(([key]) => !shown.has(key)));
  return { ...facts, other: Object.keys(rest).length === 0 ? null : JSON.stringify(rest, null, 2) };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

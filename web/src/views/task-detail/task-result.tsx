import { Fragment, type ReactNode } from 'react';
import type { TaskView } from 'switchboard/sdk';
import { Panel } from '../../components/panel.js';
import { formatCount } from '../../lib/format.js';
import { readResult, type ResultFacts } from '../../lib/task-result.js';

type FactKey = Exclude<keyof ResultFacts, 'summary' | 'other'>;

/** The facts in the order they are listed; `mono` for identifiers and codes. */
const FACTS: readonly { key: FactKey; label: string; mono: boolean }[] = [
  { key: 'exitCode', label: 'Exit code', mono: true },
  { key: 'profile', label: 'Profile', mono: false },
  { key: 'sessionId', label: 'Session', mono: true },
  { key: 'branch', label: 'Branch', mono: true },
  { key: 'commit', label: 'Commit', mono: true },
  { key: 'changedFiles', label: 'Changed files', mono: false },
];

function factText(key: FactKey, value: string | number): ReactNode {
  if (key === 'commit') return <span title={String(value)}>{String(value).slice(0, 12)}</span>;
  return key === 'changedFiles' ? formatCount(Number(value)) : String(value);
}

/** What the finished task reported: the agent's summary, and what the runner saw (exit code, branch, commit, files). */
export function TaskResult({ task }: { task: TaskView }) {
  const facts = readResult(task.result);
  if (facts === null) return null;
  const shown = FACTS.flatMap((fact) => {
    const value = facts[fact.key];
    return value === null ? [] : [{ ...fact, value }];
  });
  return (
    <Panel id="result" title="Result" testId="task-result">
      {facts.summary !== null && (
        <p className="result__summary" data-field="summary">
          {facts.summary}
        </p>
      )}
      {shown.length > 0 && (
        <dl className="fields">
          {shown.map(({ key, label, mono, value }) => (
            <Fragment key={key}>
              <dt>{label}</dt>
              <dd className={mono ? 'mono' : undefined} data-field={key}>
                {factText(key, value)}
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
      {facts.other !== null && <pre className="result__other">{facts.other}</pre>}
    </Panel>
  );
}

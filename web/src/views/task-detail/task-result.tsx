import type { ReactNode } from 'react';
import type { TaskView } from 'switchboard/sdk';
import { Panel } from '../../components/panel.js';
import { formatCount } from '../../lib/format.js';
import { readResult, type ResultFacts } from '../../lib/task-result.js';

function Fact({ label, field, mono = false, children }: { label: string; field: keyof ResultFacts; mono?: boolean; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined} data-field={field}>
        {children}
      </dd>
    </>
  );
}

/** What the finished task reported: the agent's summary, and what the runner saw (exit code, branch, commit, files). */
export function TaskResult({ task }: { task: TaskView }) {
  const facts = readResult(task.result);
  if (facts === null) return null;
  const { summary, exitCode, branch, commit, changedFiles, other } = facts;
  return (
    <Panel id="result" title="Result" testId="task-result">
      {summary !== null && (
        <p className="result__summary" data-field="summary">
          {summary}
        </p>
      )}
      {(exitCode !== null || branch !== null || commit !== null || changedFiles !== null) && (
        <dl className="fields">
          {exitCode !== null && (
            <Fact label="Exit code" field="exitCode" mono>
              {exitCode}
            </Fact>
          )}
          {branch !== null && (
            <Fact label="Branch" field="branch" mono>
              {branch}
            </Fact>
          )}
          {commit !== null && (
            <Fact label="Commit" field="commit" mono>
              <span title={commit}>{commit.slice(0, 12)}</span>
            </Fact>
          )}
          {changedFiles !== null && (
            <Fact label="Changed files" field="changedFiles">
              {formatCount(changedFiles)}
            </Fact>
          )}
        </dl>
      )}
      {other !== null && <pre className="result__other">{other}</pre>}
    </Panel>
  );
}

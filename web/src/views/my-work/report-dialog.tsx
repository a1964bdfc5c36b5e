import { useState, type FormEvent } from 'react';
import type { TaskView } from 'switchboard/sdk';
import type { WorkAction } from '../../api/my-work.js';
import { Dialog } from '../../components/dialog.js';
import { Field } from '../../components/field.js';

/** The three ways of letting go of a task, each with the words the server keeps with it. */
export type Ending = 'complete' | 'fail' | 'release';

const WORDING: Record<Ending, { title: string; label: string; hint: string; required: boolean; submit: string }> = {
  complete: { title: 'Complete', label: 'Result', hint: 'What you did, or a link to it.', required: false, submit: 'Complete task' },
  fail: { title: 'Fail', label: 'Reason', hint: 'Shown to operators and kept in the history.', required: true, submit: 'Fail task' },
  release: {
    title: 'Release',
    label: 'Reason',
    hint: 'The task goes back to the queue; the attempt is not spent.',
    required: false,
    submit: 'Release task',
  },
};

function actionOf(ending: Ending, text: string): WorkAction {
  switch (ending) {
    case 'complete':
      return { kind: 'complete', result: text };
    case 'fail':
      return { kind: 'fail', reason: text };
    case 'release':
      return { kind: 'release', reason: text };
  }
}

/** Complete, Fail or Release a task, with its result or reason; only one is open at a time. */
export function ReportDialog({
  task,
  ending,
  onClose,
  onSubmit,
}: {
  task: TaskView;
  ending: Ending | null;
  onClose: () => void;
  onSubmit: (action: WorkAction) => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const wording = WORDING[ending ?? 'complete'];
  const id = `report-${task.id}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ending === null) return;
    if (wording.required && text.trim() === '') return setError(`${wording.label} is required`);
    onSubmit(actionOf(ending, text));
    setText('');
    onClose();
  };

  return (
    <Dialog open={ending !== null} onClose={onClose} title={`${wording.title} ${task.id}`} description={task.title}>
      <form className="form" onSubmit={submit} noValidate>
        <Field id={id} label={wording.label} required={wording.required} hint={wording.hint} error={error}>
          {({ describedBy, invalid }) => (
            <textarea
              id={id}
              rows={3}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setError(undefined);
              }}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              data-autofocus
            />
          )}
        </Field>
        <div className="form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Back
          </button>
          <button type="submit" className={`button ${ending === 'fail' ? 'button--danger' : 'button--primary'}`}>
            {wording.submit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

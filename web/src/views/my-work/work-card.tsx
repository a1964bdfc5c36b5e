import { CheckCircle2, Play, Send, Undo2, XCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { TaskView } from 'switchboard/sdk';
import type { WorkAction } from '../../api/my-work.js';
import { PriorityBadge, ProgressBar, StatusBadge } from '../../components/badges.js';
import { SlaBadge } from '../../components/sla-badge.js';
import { ReportDialog, type Ending } from './report-dialog.js';

const PROGRESS_STEP = 5;

/** Progress as a slider and a button: a report per drag step would flood the event log. */
function ProgressControl({ task, busy, onAct }: { task: TaskView; busy: boolean; onAct: (a: WorkAction) => void }) {
  const [draft, setDraft] = useState<number | null>(null);
  const value = draft ?? task.progress;
  const id = `progress-${task.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onAct({ kind: 'progress', progress: value });
    setDraft(null);
  };
  return (
    <form className="work-card__row" onSubmit={submit}>
      <label htmlFor={id}>Progress</label>
      <input
        id={id}
        type="range"
        min={0}
        max={100}
        step={PROGRESS_STEP}
        value={value}
        onChange={(e) => setDraft(Number(e.target.value))}
        aria-valuetext={`${value}%`}
      />
      <output htmlFor={id} className="mono">
        {value}%
      </output>
      <button type="submit" className="button button--small" disabled={busy || draft === null || draft === task.progress}>
        Report progress
      </button>
    </form>
  );
}

/** A note goes to the task's log, where the operator reading the task detail sees it live. */
function NoteControl({ task, busy, onAct }: { task: TaskView; busy: boolean; onAct: (a: WorkAction) => void }) {
  const [text, setText] = useState('');
  const id = `note-${task.id}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    onAct({ kind: 'note', text: text.trim() });
    setText('');
  };
  return (
    <form className="work-card__row" onSubmit={submit}>
      <label htmlFor={id}>Note</label>
      <input id={id} value={text} onChange={(e) => setText(e.target.value)} placeholder="Written to the task's log" />
      <button type="submit" className="button button--small" disabled={busy || text.trim() === ''}>
        <Send size={12} aria-hidden="true" /> Add note
      </button>
    </form>
  );
}

/** One offered or running task with everything its holder can do to it. */
export function WorkCard({ task, busy, onAct }: { task: TaskView; busy: boolean; onAct: (a: WorkAction) => void }) {
  const [ending, setEnding] = useState<Ending | null>(null);
  const running = task.status === 'IN_PROGRESS';
  const headingId = `work-${task.id}-title`;
  return (
    <article className="work-card" data-task-id={task.id} data-status={task.status} aria-labelledby={headingId}>
      <header className="work-card__header">
        <PriorityBadge priority={task.priority} />
        <h3 id={headingId} className="work-card__title">
          <Link to={`/tasks/${encodeURIComponent(task.id)}`}>{task.title}</Link>
        </h3>
        <span className="mono muted small">{task.id}</span>
        <StatusBadge status={task.status} />
        <SlaBadge task={task} />
      </header>
      {task.description !== '' && <p className="work-card__description">{task.description}</p>}
      {running ? (
        <>
          <ProgressBar value={task.progress} label={`${task.id} progress`} />
          <ProgressControl task={task} busy={busy} onAct={onAct} />
          <NoteControl task={task} busy={busy} onAct={onAct} />
        </>
      ) : null}
      <footer className="work-card__actions">
        {running ? (
          <>
            <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => setEnding('complete')}>
              <CheckCircle2 size={12} aria-hidden="true" /> Complete
            </button>
            <button type="button" className="button button--danger button--small" disabled={busy} onClick={() => setEnding('fail')}>
              <XCircle size={12} aria-hidden="true" /> Fail
            </button>
          </>
        ) : (
          <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => onAct({ kind: 'start' })}>
            <Play size={12} aria-hidden="true" /> Accept and start
          </button>
        )}
        <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => setEnding('release')}>
          <Undo2 size={12} aria-hidden="true" /> Release
        </button>
      </footer>
      <ReportDialog task={task} ending={ending} onClose={() => setEnding(null)} onSubmit={onAct} />
    </article>
  );
}

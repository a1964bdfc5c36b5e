import { FastForward, Search, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AgentView } from 'switchboard/sdk';
import { useProcessNext } from '../../api/mutations.js';
import { PRIORITIES, TASK_STATUSES } from '../../api/vocabulary.js';
import { STATUS_LABELS } from '../../components/badges.js';
import { hasFilters, UNASSIGNED, type BoardFilters } from '../../lib/board-model.js';
import { formatCount } from '../../lib/format.js';

interface Props {
  filters: BoardFilters;
  agents: readonly AgentView[];
  capabilities: readonly string[];
  shown: number;
  total: number;
  loading: boolean;
}

const SEARCH_DEBOUNCE_MS = 250;

/** Filters (kept in the URL, so a filtered board can be shared) and the global "Process next". */
export function BoardToolbar({ filters, agents, capabilities, shown, total, loading }: Props) {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(filters.q);
  const processNext = useProcessNext();

  const set = (key: string, value: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value === '') next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text.trim() === filters.q) return;
    const timer = setTimeout(() => set('q', text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // Only the typed text drives this effect; `set` is recreated on every render.
  }, [text]);

  return (
    <div className="toolbar" role="search" aria-label="Filter tasks">
      <label className="search">
        <Search size={14} aria-hidden="true" />
        <span className="visually-hidden">Search tasks</span>
        <input type="search" placeholder="Search id, title, label…" value={text} onChange={(e) => setText(e.target.value)} name="q" />
      </label>
      <select aria-label="Priority" value={params.get('priority') ?? ''} onChange={(e) => set('priority', e.target.value)} name="priority">
        <option value="">All priorities</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <select aria-label="Status" value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value)} name="status">
        <option value="">All statuses</option>
        {TASK_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]}
          </option>
        ))}
      </select>
      <select aria-label="Agent" value={filters.agent ?? ''} onChange={(e) => set('agent', e.target.value)} name="agent">
        <option value="">All agents</option>
        <option value={UNASSIGNED}>Unassigned</option>
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Capability"
        value={filters.capability ?? ''}
        onChange={(e) => set('capability', e.target.value)}
        name="capability"
      >
        <option value="">All capabilities</option>
        {capabilities.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {hasFilters(filters) && (
        <button type="button" className="button button--ghost" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
          <X size={14} aria-hidden="true" /> Clear
        </button>
      )}
      <span className="toolbar__count" aria-live="polite">
        {loading
          ? `Loading… ${formatCount(total)} tasks`
          : hasFilters(filters)
            ? `${formatCount(shown)} of ${formatCount(total)}`
            : `${formatCount(total)} tasks`}
      </span>
      <button
        type="button"
        className="button"
        onClick={() => processNext.mutate()}
        disabled={processNext.isPending}
        data-testid="process-next"
      >
        <FastForward size={14} aria-hidden="true" /> {processNext.isPending ? 'Processing…' : 'Process next'}
      </button>
    </div>
  );
}

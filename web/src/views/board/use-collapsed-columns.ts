import { useCallback, useState } from 'react';
import { TERMINAL_STATUSES, type TaskStatus } from '../../api/vocabulary.js';

const STORAGE_KEY = 'switchboard.board.columns';
/**
 * Folded unless the user opened them: ended work is rarely what an operator looks at, and a
 * failed task also sits in the "Needs attention" lane. Open, Failed pushed the ended columns
 * off a 1400 px screen.
 */
const DEFAULT_COLLAPSED = TERMINAL_STATUSES;

type Choices = Partial<Record<TaskStatus, boolean>>;

function read(): Choices {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null) return parsed as Choices;
  } catch {
    // fall through to the defaults
  }
  return {};
}

/**
 * Which columns are folded to a narrow strip. An explicit choice (remembered in
 * localStorage) wins; otherwise ended columns and empty columns are folded, so the
 * columns that hold work get the width.
 */
export function useCollapsedColumns() {
  const [choices, setChoices] = useState<Choices>(read);
  const isCollapsed = useCallback(
    (status: TaskStatus, count: number, autoFold: boolean) =>
      choices[status] ?? (autoFold && (DEFAULT_COLLAPSED.has(status) || count === 0)),
    [choices],
  );
  const setCollapsed = useCallback((status: TaskStatus, collapsed: boolean) => {
    setChoices((prev) => {
      const next = { ...prev, [status]: collapsed };
      try {
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        // not persisted
      }
      return next;
    });
  }, []);
  return { isCollapsed, setCollapsed };
}

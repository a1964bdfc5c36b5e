import { createContext, lazy, Suspense, use, useCallback, useMemo, useState, type ReactNode } from 'react';

const NewTaskDialog = lazy(() => import('../views/new-task/new-task-dialog.js'));

interface NewTaskApi {
  openNewTask(): void;
}

const NewTaskContext = createContext<NewTaskApi | null>(null);

/** Owns the "New task" dialog so any view (and the top bar) can open it. */
export function NewTaskProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const openNewTask = useCallback(() => {
    setLoaded(true);
    setOpen(true);
  }, []);
  const api = useMemo(() => ({ openNewTask }), [openNewTask]);
  return (
    <NewTaskContext value={api}>
      {children}
      {loaded && (
        <Suspense fallback={null}>
          <NewTaskDialog open={open} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </NewTaskContext>
  );
}

export function useNewTask(): NewTaskApi {
  const api = use(NewTaskContext);
  if (api === null) throw new Error('useNewTask() outside <NewTaskProvider>');
  return api;
}

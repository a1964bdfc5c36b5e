import { AlertCircle, CheckCircle2, Info, X } from 'lucide-react';
import { AnimatePresence, m } from 'motion/react';
import { createContext, use, useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export type ToastTone = 'success' | 'error' | 'info';

export interface ToastInput {
  tone: ToastTone;
  title: string;
  description?: string;
}

interface Toast extends ToastInput {
  id: number;
}

interface ToastApi {
  push(toast: ToastInput): void;
}

const ToastContext = createContext<ToastApi | null>(null);

const DURATION_MS: Record<ToastTone, number> = { success: 3_500, info: 4_000, error: 7_000 };
const MAX_VISIBLE = 4;
const ICONS = { success: CheckCircle2, error: AlertCircle, info: Info } as const;

/** Small, stacked notifications; errors are announced assertively, the rest politely. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const push = useCallback(
    (input: ToastInput) => {
      const id = nextId.current++;
      setToasts((list) => [...list, { ...input, id }].slice(-MAX_VISIBLE));
      setTimeout(() => dismiss(id), DURATION_MS[input.tone]);
    },
    [dismiss],
  );

  const api = useMemo(() => ({ push }), [push]);

  return (
    <ToastContext value={api}>
      {children}
      {createPortal(
        <div className="toasts" aria-live="polite">
          <AnimatePresence initial={false}>
            {toasts.map((t) => {
              const Icon = ICONS[t.tone];
              return (
                <m.div
                  key={t.id}
                  layout
                  className={`toast toast--${t.tone}`}
                  role={t.tone === 'error' ? 'alert' : 'status'}
                  initial={{ opacity: 0, y: 12, scale: 0.98 }}
                  animate={{ opacity: 1, y: 0, scale: 1 }}
                  exit={{ opacity: 0, x: 24, transition: { duration: 0.15 } }}
                  transition={{ duration: 0.18, ease: 'easeOut' }}
                >
                  <Icon className="toast__icon" size={16} aria-hidden="true" />
                  <div className="toast__body">
                    <div className="toast__title">{t.title}</div>
                    {t.description !== undefined && <div className="toast__description">{t.description}</div>}
                  </div>
                  <button
                    type="button"
                    className="icon-button icon-button--small"
                    aria-label="Dismiss notification"
                    onClick={() => dismiss(t.id)}
                  >
                    <X size={14} aria-hidden="true" />
                  </button>
                </m.div>
              );
            })}
          </AnimatePresence>
        </div>,
        document.body,
      )}
    </ToastContext>
  );
}

export function useToast(): ToastApi {
  const api = use(ToastContext);
  if (api === null) throw new Error('useToast() outside <ToastProvider>');
  return api;
}

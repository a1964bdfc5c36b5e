import { useEffect, useState, type ReactNode } from 'react';

/** A second click within this window confirms (for actions that cannot be undone, like cancelling a task). */
const CONFIRM_WINDOW_MS = 4_000;

interface Props {
  className: string;
  confirmClassName: string;
  label: string;
  confirmLabel: string;
  children: ReactNode;
  confirmChildren: ReactNode;
  disabled?: boolean;
  onConfirm: () => void;
}

/** A button that asks for a second click before it acts; the question times out by itself. */
export function ConfirmButton({ className, confirmClassName, label, confirmLabel, children, confirmChildren, disabled, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const timer = setTimeout(() => setAsking(false), CONFIRM_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [asking]);
  return (
    <button
      type="button"
      className={asking ? confirmClassName : className}
      disabled={disabled}
      aria-label={asking ? confirmLabel : label}
      onClick={() => {
        if (!asking) return setAsking(true);
        setAsking(false);
        onConfirm();
      }}
    >
      {asking ? confirmChildren : children}
    </button>
  );
}

import type { ReactNode } from 'react';

interface FieldProps {
  id: string;
  label: string;
  required?: boolean;
  hint?: string;
  error?: string;
  /** Receives the ids the control must reference (aria-describedby) and whether it is invalid. */
  children: (a11y: { describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** A labelled form control with its hint and its error (linked through aria-describedby). */
export function Field({ id, label, required = false, hint, error, children }: FieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = error === undefined ? undefined : `${id}-error`;
  const describedBy = [errorId, hintId].filter((x) => x !== undefined).join(' ') || undefined;
  return (
    <div className={`field ${error === undefined ? '' : 'field--invalid'}`} data-field={id}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="field__required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({ describedBy, invalid: error !== undefined })}
      {error !== undefined && (
        <p id={errorId} className="field__error" role="alert">
          {error}
        </p>
      )}
      {hint !== undefined && error === undefined && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}

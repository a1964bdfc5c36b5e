import { X } from 'lucide-react';
import { useState, type KeyboardEvent } from 'react';
import { splitList } from '../lib/format.js';

interface Props {
  id: string;
  name: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  /** Normalises each item (e.g. lower-case capability names). */
  normalise?: (raw: string) => string;
}

/**
 * A list typed as chips: Enter or a comma adds what was typed, Backspace in an empty
 * input removes the last chip, each chip has its own remove button. Text still in the
 * input counts too (see `withPending`), so "a, b" typed and submitted is not lost.
 */
export function ChipsInput({ id, name, values, onChange, placeholder, invalid, describedBy, normalise = (s) => s }: Props) {
  const [draft, setDraft] = useState('');

  const commit = (raw: string) => {
    const items = splitList(raw)
      .map(normalise)
      .filter((s) => s !== '' && !values.includes(s));
    if (items.length > 0) onChange([...values, ...items]);
    setDraft('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      if (draft.trim() === '') return;
      e.preventDefault();
      commit(draft);
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };

  return (
    <div className={`chips-input ${invalid === true ? 'chips-input--invalid' : ''}`}>
      {values.map((v) => (
        <span key={v} className="chip chip--removable">
          {v}
          <button type="button" aria-label={`Remove ${v}`} onClick={() => onChange(values.filter((x) => x !== v))}>
            <X size={11} aria-hidden="true" />
          </button>
        </span>
      ))}
      <input
        id={id}
        name={name}
        value={draft}
        placeholder={values.length === 0 ? placeholder : undefined}
        onChange={(e) => {
          const next = e.target.value;
          if (next.includes(',')) commit(next);
          else setDraft(next);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => draft.trim() !== '' && commit(draft)}
        aria-invalid={invalid === true ? true : undefined}
        aria-describedby={describedBy}
        autoComplete="off"
      />
    </div>
  );
}

import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A secret the server returns once and never again (a minted token, a webhook's signing
 * secret): it stays until dismissed, takes focus so a screen reader says so, and copies with
 * one click (or is selected for a manual copy where the clipboard is refused).
 */
export function SecretShownOnce(props: {
  /** Prefix of the element ids (`<id>-title`, `<id>-value`) and the `data-testid`. */
  id: string;
  title: ReactNode;
  warning: string;
  /** The input's accessible name. */
  label: string;
  secret: string;
  onDone: () => void;
}) {
  const { id, secret } = props;
  const [copied, setCopied] = useState<'yes' | 'refused' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const region = useRef<HTMLElement>(null);
  useEffect(() => region.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('refused');
    }
  };

  return (
    <section className="minted" ref={region} tabIndex={-1} aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`} className="minted__title">
        {props.title}
      </h2>
      <p className="minted__warning">{props.warning}</p>
      <div className="minted__row">
        <label htmlFor={`${id}-value`} className="visually-hidden">
          {props.label}
        </label>
        <input id={`${id}-value`} ref={input} className="mono" readOnly value={secret} onFocus={(e) => e.target.select()} />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied === 'yes' ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />} Copy
        </button>
        <button type="button" className="button button--ghost" onClick={props.onDone}>
          Done
        </button>
      </div>
      <p className="small muted" role="status">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'refused'
            ? 'The browser refused the clipboard: the secret is selected, copy it by hand.'
            : ''}
      </p>
    </section>
  );
}

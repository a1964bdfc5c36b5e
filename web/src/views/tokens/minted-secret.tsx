import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { IssuedTokenResponse } from 'switchboard/sdk';

/**
 * The secret of a token just minted. The server keeps only its hash, so this is the one
 * time anyone sees it: it stays until dismissed, takes focus so a screen reader says so,
 * and copies with one click (or is selected for a manual copy where the clipboard is refused).
 */
export function MintedSecret({ issued, onDone }: { issued: IssuedTokenResponse; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'refused' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const region = useRef<HTMLElement>(null);
  useEffect(() => region.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.secret);
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('refused');
    }
  };

  return (
    <section className="minted" ref={region} tabIndex={-1} aria-labelledby="minted-title" data-testid="minted-secret">
      <h2 id="minted-title" className="minted__title">
        Token “{issued.token.label}” minted
      </h2>
      <p className="minted__warning">Copy the secret now: it is shown only this once and cannot be read again.</p>
      <div className="minted__row">
        <label htmlFor="minted-value" className="visually-hidden">
          Secret
        </label>
        <input id="minted-value" ref={input} className="mono" readOnly value={issued.secret} onFocus={(e) => e.target.select()} />
        <button type="button" className="button" onClick={() => void copy()}>
          {copied === 'yes' ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />} Copy
        </button>
        <button type="button" className="button button--ghost" onClick={onDone}>
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

import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';

/**
 * A new webhook channel's signing secret (`whsec_…`). The API returns it in the create
 * answer only, so like a minted token it stays until dismissed, takes focus, and copies
 * with one click (or is selected for a manual copy where the clipboard is refused).
 */
export function ChannelSecret({ channelName, secret, onDone }: { channelName: string; secret: string; onDone: () => void }) {
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
    <section className="minted" ref={region} tabIndex={-1} aria-labelledby="channel-secret-title" data-testid="channel-secret">
      <h2 id="channel-secret-title" className="minted__title">
        Signing secret of “{channelName}”
      </h2>
      <p className="minted__warning">
        Copy it now: it is shown only this once. Your receiver verifies each request's webhook-signature with it.
      </p>
      <div className="minted__row">
        <label htmlFor="channel-secret-value" className="visually-hidden">
          Signing secret
        </label>
        <input id="channel-secret-value" ref={input} className="mono" readOnly value={secret} onFocus={(e) => e.target.select()} />
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

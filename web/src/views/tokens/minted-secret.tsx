import type { IssuedTokenResponse } from 'switchboard/sdk';
import { SecretShownOnce } from '../../components/secret-shown-once.js';

/** The secret of a token just minted: the server keeps only its hash, so this is the one time anyone sees it. */
export function MintedSecret({ issued, onDone }: { issued: IssuedTokenResponse; onDone: () => void }) {
  return (
    <SecretShownOnce
      id="minted-secret"
      title={<>Token “{issued.token.label}” minted</>}
      warning="Copy the secret now: it is shown only this once and cannot be read again."
      label="Secret"
      secret={issued.secret}
      onDone={onDone}
    />
  );
}

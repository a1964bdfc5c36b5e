import { SecretShownOnce } from '../../components/secret-shown-once.js';

/** A new webhook channel's signing secret (`whsec_…`): the API returns it in the create answer only. */
export function ChannelSecret({ channelName, secret, onDone }: { channelName: string; secret: string; onDone: () => void }) {
  return (
    <SecretShownOnce
      id="channel-secret"
      title={<>Signing secret of “{channelName}”</>}
      warning="Copy it now: it is shown only this once. Your receiver verifies each request's webhook-signature with it."
      label="Signing secret"
      secret={secret}
      onDone={onDone}
    />
  );
}

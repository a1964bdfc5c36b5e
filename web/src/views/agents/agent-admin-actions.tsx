import { Pencil, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { AgentView } from 'switchboard/sdk';
import { useSignedInAgentId } from '../../api/identity.js';
import { EditAgentDialog } from './edit-agent-dialog.js';
import { RemoveAgentDialog } from './remove-agent-dialog.js';

/**
 * Edit and Remove on an agent's card. Hidden for a page signed in as a human agent (its
 * token may do neither); for other tokens the server decides (Remove is admin only) and
 * its refusal is shown.
 */
export function AgentAdminActions({ agent }: { agent: AgentView }) {
  const [open, setOpen] = useState<'edit' | 'remove' | null>(null);
  if (useSignedInAgentId() !== null) return null;
  return (
    <>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => setOpen('edit')}
        aria-label={`Edit ${agent.name}`}
      >
        <Pencil size={12} aria-hidden="true" /> Edit
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => setOpen('remove')}
        aria-label={`Remove ${agent.name}`}
      >
        <Trash2 size={12} aria-hidden="true" /> Remove
      </button>
      {open === 'edit' && <EditAgentDialog agent={agent} onClose={() => setOpen(null)} />}
      {open === 'remove' && <RemoveAgentDialog agent={agent} onClose={() => setOpen(null)} />}
    </>
  );
}

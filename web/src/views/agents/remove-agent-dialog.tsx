import { Trash2 } from 'lucide-react';
import type { AgentView } from 'switchboard/sdk';
import { useRemoveAgent } from '../../api/agent-admin.js';
import { Dialog } from '../../components/dialog.js';

/**
 * Removing an agent is not undone and moves work: the server requeues every task it held
 * (offered or running, the attempt not spent), so the question names them.
 */
export function RemoveAgentDialog({ agent, onClose }: { agent: AgentView; onClose: () => void }) {
  const remove = useRemoveAgent();
  const held = agent.currentTasks;
  return (
    <Dialog open onClose={onClose} title={`Remove ${agent.name}?`} description="Only an admin token may remove an agent.">
      <div className="form">
        <p>
          {held.length === 0
            ? `${agent.name} holds no task. It will no longer be offered work, and its tokens stop working for it.`
            : `${agent.name} holds ${held.length} ${held.length === 1 ? 'task' : 'tasks'} (${held.join(', ')}), which will go back to the queue for another agent.`}
        </p>
        <div className="form__actions">
          <button type="button" className="button button--ghost" onClick={onClose} data-autofocus>
            Keep agent
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate(agent, { onSuccess: onClose })}
          >
            <Trash2 size={14} aria-hidden="true" /> Remove agent
          </button>
        </div>
      </div>
    </Dialog>
  );
}

import { Type, type Static } from '@fastify/type-provider-typebox';
import { AVAILABILITY_OF_STATUS, type AgentPatch, type NewAgentInput } from '../../core/agent.js';
import { assertActsAs, assertMaySetStatus } from '../../core/access.js';
import { principalOf } from '../auth-hook.js';
import { actorOf, type RouteContext, type TypedApp } from '../route-context.js';
import {
  AgentEnvelope,
  AgentIdParams,
  AgentStatusBody,
  AgentViewSchema,
  ClaimBody,
  CreateAgentBody,
  PatchAgentBody,
  TaskViewSchema,
  errorResponses,
  ok,
} from '../schemas.js';
import type { AgentState } from '../../services/types.js';
import { storedId } from '../idempotency.js';
import { IdempotencyHeaders } from './tasks.js';
import { agentView, taskView } from '../views.js';

/** GET /api/agents. */
export const AgentListEnvelope = ok({ agents: Type.Array(AgentViewSchema), count: Type.Integer() });
/** DELETE /api/agents/:agentId: the tasks that went back to the queue. */
export const RemoveAgentEnvelope = ok({ requeued: Type.Array(Type.String()) });
/** PUT /api/agents/:agentId/status. */
export const AgentStatusEnvelope = ok({ message: Type.String(), agent: AgentViewSchema });
/** GET /api/agents/:agentId/tasks. */
export const AgentTasksEnvelope = ok({ agentId: Type.String(), tasks: Type.Array(TaskViewSchema), count: Type.Integer() });
/** POST /api/agents/:agentId/claim: task null when none came within waitMs. */
export const ClaimEnvelope = ok({ task: Type.Union([TaskViewSchema, Type.Null()]) });
const tags = ['agents'];

/**
 * Agent resources: the seed's reads and status change, the registration and removal it
 * lacked (seed defect 2), and the agent protocol (heartbeat, pull-mode claim). An agent
 * token may heartbeat and claim only as its own agent.
 */
export function agentRoutes(app: TypedApp, { orchestrator, creates }: RouteContext): void {
  app.get(
    '/agents',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'All agents (registration order)',
        response: { 200: AgentListEnvelope, ...errorResponses },
      },
    },
    async () => {
      const agents = await orchestrator.listAgents();
      return { success: true as const, agents: agents.map(agentView), count: agents.length };
    },
  );

  app.get(
    '/agents/:agentId',
    {
      config: { permission: 'read' },
      schema: { tags, summary: 'One agent', params: AgentIdParams, response: { 200: AgentEnvelope, ...errorResponses } },
    },
    async (request) => ({ success: true as const, agent: agentView(await orchestrator.getAgent(request.params.agentId)) }),
  );

  app.post(
    '/agents',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'Register an agent (honours Idempotency-Key); a seed agent object is accepted as it is',
        headers: IdempotencyHeaders,
        body: CreateAgentBody,
        response: { 201: AgentEnvelope, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const created = (agent: AgentState) => ({ statusCode: 201, body: { success: true as const, agent: agentView(agent) } });
      return creates.run(request, reply, actor, {
        create: async (claim) => created(await orchestrator.registerAgent(newAgentInput(request.body), actor, claim)),
        replay: async (stored) => created(await orchestrator.getAgent(storedId(stored, 'agentId'))),
      });
    },
  );

  app.patch(
    '/agents/:agentId',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'Edit an agent',
        params: AgentIdParams,
        body: PatchAgentBody,
        response: { 200: AgentEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const agent = await orchestrator.updateAgent(request.params.agentId, agentPatch(request.body), actorOf(request));
      return { success: true as const, agent: agentView(agent) };
    },
  );

  app.delete(
    '/agents/:agentId',
    {
      config: { permission: 'agents:admin' },
      schema: {
        tags,
        summary: 'Remove an agent (admin only); the tasks it held go back to the queue',
        description:
          'Admin only: removal cannot be undone (the learned record behind the reliability goes with the agent). ' +
          'Operators take an agent out of rotation with PUT /api/agents/{agentId}/status (PAUSED or OFFLINE) instead.',
        params: AgentIdParams,
        response: { 200: RemoveAgentEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const { requeued } = await orchestrator.removeAgent(request.params.agentId, actorOf(request));
      return { success: true as const, requeued };
    },
  );

  app.put(
    '/agents/:agentId/status',
    {
      // agent:report, not agents:write: a runner pauses itself on a usage limit. Every role holding
      // agent:report but `agent` also holds agents:write, so operators and admins are unchanged.
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Set availability (seed route): ACTIVE or IDLE = available, PAUSED = no new work, OFFLINE',
        description: 'An agent token may set only its own agent, and only to ACTIVE, IDLE or PAUSED.',
        params: AgentIdParams,
        body: AgentStatusBody,
        response: { 200: AgentStatusEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      assertMaySetStatus(principalOf(request), request.params.agentId, request.body.status);
      const agent = await orchestrator.setAgentStatus(request.params.agentId, request.body.status, actorOf(request));
      return { success: true as const, message: 'Agent status updated', agent: agentView(agent) };
    },
  );

  app.get(
    '/agents/:agentId/tasks',
    {
      config: { permission: 'read' },
      schema: {
        tags,
        summary: 'Tasks the agent holds (seed route)',
        params: AgentIdParams,
        response: { 200: AgentTasksEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      const tasks = await orchestrator.agentTasks(request.params.agentId);
      return { success: true as const, agentId: request.params.agentId, tasks: tasks.map(taskView), count: tasks.length };
    },
  );

  app.post(
    '/agents/:agentId/heartbeat',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: "Renew the leases of the agent's running tasks; brings an OFFLINE agent back",
        params: AgentIdParams,
        response: { 200: AgentEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      assertActsAs(principalOf(request), request.params.agentId);
      const agent = await orchestrator.heartbeat(request.params.agentId, actorOf(request));
      return { success: true as const, agent: agentView(agent) };
    },
  );

  app.post(
    '/agents/:agentId/claim',
    {
      config: { permission: 'agent:report' },
      schema: {
        tags,
        summary: 'Pull mode: take the best task this agent can do, assigned and started; waits up to waitMs for one',
        params: AgentIdParams,
        body: ClaimBody,
        response: { 200: ClaimEnvelope, ...errorResponses },
      },
    },
    async (request) => {
      assertActsAs(principalOf(request), request.params.agentId);
      const task = await orchestrator.claim(request.params.agentId, { waitMs: request.body.waitMs ?? 0 }, actorOf(request));
      return { success: true as const, task: task === null ? null : taskView(task) };
    },
  );
}

function newAgentInput(body: Static<typeof CreateAgentBody>): NewAgentInput {
  return {
    id: body.id,
    name: body.name.trim(),
    kind: body.kind,
    capabilities: body.capabilities,
    maxConcurrentTasks: body.maxConcurrentTasks,
    reliability: body.reliability,
    costPerHour: body.costPerHour,
    availability: body.status === undefined ? undefined : AVAILABILITY_OF_STATUS[body.status],
    // body.currentTasks is ignored on purpose (server-owned; see CreateAgentBody).
  };
}

function agentPatch(body: Static<typeof PatchAgentBody>): AgentPatch {
  const patch: AgentPatch = {};
  if (body.name !== undefined) patch.name = body.name.trim();
  if (body.kind !== undefined) patch.kind = body.kind;
  if (body.capabilities !== undefined) patch.capabilities = body.capabilities;
  if (body.maxConcurrentTasks !== undefined) patch.maxConcurrentTasks = body.maxConcurrentTasks;
  if (body.reliability !== undefined) patch.reliability = body.reliability;
  if (body.costPerHour !== undefined) patch.costPerHour = body.costPerHour;
  return patch;
}

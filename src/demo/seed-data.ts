import type { NewAgentInput } from '../core/agent.js';
import type { Priority } from '../core/task.js';

/**
 * The seed system's demo data (seed-contract §4), with its inconsistencies fixed:
 * tasks name real agent ids (`antigravity-main`, `copilot-agent`, not `antigravity` /
 * `copilot`), and each task carries the capabilities the seed kept in a hard-coded map
 * keyed by task id (seed defects 3 and 12).
 *
 * Capability choices:
 * - TASK-001 [testing, infrastructure], TASK-007 [frontend, react], TASK-008 [n8n, workflows]:
 *   the seed's map minus `features` / `deployment`, which only matched by substring or
 *   made the task unassignable.
 * - TASK-005 [documentation]: the seed wanted github + documentation, but no agent has
 *   `github`; requiring it would make the task unassignable, so it is preferred instead.
 * - TASK-010 [devcontainer, docker]: deliberately unassignable, as in the seed, to show
 *   the needs-attention path (queue/next skips it instead of blocking on it).
 * - The finished tasks get capabilities their historical agent holds.
 */
export interface DemoTask {
  /** The id the seed used; the store allocates ids in order, so an empty store gives the same ones. */
  seedId: string;
  title: string;
  description: string;
  priority: Priority;
  eta: string;
  requiredCapabilities: string[];
  preferredCapabilities: string[];
  /** Where the seed showed the task: the loader replays its history through the use cases. */
  state: { status: 'PENDING' } | { status: 'IN_PROGRESS'; agentId: string; progress: number } | { status: 'COMPLETED'; agentId: string };
}

/** The seed's ten tasks in seed order, so an empty store gives them their seed ids. */
export const DEMO_TASKS: readonly DemoTask[] = [
  {
    seedId: 'TASK-001',
    title: 'Testing Infrastructure',
    description: 'Add Vitest and React Testing Library',
    priority: 'P1',
    eta: '2-4h',
    requiredCapabilities: ['testing', 'infrastructure'],
    preferredCapabilities: [],
    state: { status: 'IN_PROGRESS', agentId: 'antigravity-main', progress: 50 },
  },
  {
    seedId: 'TASK-002',
    title: 'Security Documentation',
    description: 'Create SECURITY.md',
    priority: 'P1',
    eta: '30min',
    requiredCapabilities: ['security'],
    preferredCapabilities: ['documentation'],
    state: { status: 'COMPLETED', agentId: 'antigravity-main' },
  },
  {
    seedId: 'TASK-003',
    title: 'License File',
    description: 'Add MIT LICENSE',
    priority: 'P1',
    eta: '5min',
    requiredCapabilities: [],
    preferredCapabilities: ['documentation'],
    state: { status: 'COMPLETED', agentId: 'antigravity-main' },
  },
  {
    seedId: 'TASK-004',
    title: 'Contributing Guidelines',
    description: 'Create CONTRIBUTING.md',
    priority: 'P1',
    eta: '1h',
    requiredCapabilities: [],
    preferredCapabilities: ['documentation'],
    state: { status: 'COMPLETED', agentId: 'antigravity-main' },
  },
  {
    seedId: 'TASK-005',
    title: 'GitHub Templates',
    description: 'Create issue and PR templates',
    priority: 'P2',
    eta: '1h',
    requiredCapabilities: ['documentation'],
    preferredCapabilities: ['github'],
    state: { status: 'PENDING' },
  },
  {
    seedId: 'TASK-006',
    title: 'CI/CD Pipeline',
    description: 'Setup GitHub Actions',
    priority: 'P1',
    eta: '2h',
    requiredCapabilities: ['cicd'],
    preferredCapabilities: [],
    state: { status: 'COMPLETED', agentId: 'antigravity-main' },
  },
  {
    seedId: 'TASK-007',
    title: 'QR Scanner Feature',
    description: 'Implement QR scanner with AI analysis',
    priority: 'P2',
    eta: '4h',
    requiredCapabilities: ['frontend', 'react'],
    preferredCapabilities: ['features'],
    state: { status: 'PENDING' },
  },
  {
    seedId: 'TASK-008',
    title: 'n8n Integration',
    description: 'Deploy n8n workflows to VPS',
    priority: 'P2',
    eta: '3h',
    requiredCapabilities: ['n8n', 'workflows'],
    preferredCapabilities: ['deployment'],
    state: { status: 'PENDING' },
  },
  {
    seedId: 'TASK-009',
    title: 'Copilot Configuration',
    description: 'Setup Copilot instructions',
    priority: 'P2',
    eta: '1h',
    requiredCapabilities: ['documentation'],
    preferredCapabilities: ['code-generation'],
    state: { status: 'COMPLETED', agentId: 'copilot-agent' },
  },
  {
    seedId: 'TASK-010',
    title: 'DevContainer Setup',
    description: 'Create DevContainer configuration',
    priority: 'P3',
    eta: '2h',
    requiredCapabilities: ['devcontainer', 'docker'],
    preferredCapabilities: ['vscode'],
    state: { status: 'PENDING' },
  },
];

/** The seed's six agents, all AI agents; ACTIVE / IDLE now follow from their load. */
export const DEMO_AGENTS: readonly (NewAgentInput & { id: string })[] = [
  {
    id: 'antigravity-main',
    name: 'Antigravity AI',
    kind: 'ai',
    capabilities: ['infrastructure', 'testing', 'cicd', 'security'],
    maxConcurrentTasks: 3,
    reliability: 0.98,
  },
  {
    id: 'agent-security-cleanup',
    name: 'Security Agent',
    kind: 'ai',
    capabilities: ['security', 'credentials', 'audit'],
    maxConcurrentTasks: 1,
    reliability: 0.95,
  },
  {
    id: 'agent-vps-deploy',
    name: 'VPS Deployment Agent',
    kind: 'ai',
    capabilities: ['deployment', 'vps', 'nginx', 'pm2'],
    maxConcurrentTasks: 1,
    reliability: 0.9,
  },
  {
    id: 'agent-qr-feature',
    name: 'Feature Development Agent',
    kind: 'ai',
    capabilities: ['frontend', 'react', 'features'],
    maxConcurrentTasks: 2,
    reliability: 0.92,
  },
  {
    id: 'agent-n8n-integration',
    name: 'n8n Integration Agent',
    kind: 'ai',
    capabilities: ['n8n', 'workflows', 'automation'],
    maxConcurrentTasks: 1,
    reliability: 0.88,
  },
  {
    id: 'copilot-agent',
    name: 'GitHub Copilot Agent',
    kind: 'ai',
    capabilities: ['code-generation', 'documentation', 'review'],
    maxConcurrentTasks: 5,
    reliability: 0.94,
  },
];

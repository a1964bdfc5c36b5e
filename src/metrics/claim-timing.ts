import { performance } from 'node:perf_hooks';
import type { OrchestratorApi } from '../services/types.js';
import type { ServerMetrics } from './registry.js';

/**
 * The orchestrator with every `claim` counted and timed (`switchboard_claims_total`,
 * `switchboard_claim_duration_seconds`), whoever calls it; every other member is the
 * orchestrator's own. A Proxy rather than a subclass or a copy: the orchestrator keeps its
 * state in private fields, which only the original object can reach, so methods are called
 * on it.
 */
export function timeClaims<O extends OrchestratorApi>(orchestrator: O, metrics: Pick<ServerMetrics, 'observeClaim'>): O {
  const claim: OrchestratorApi['claim'] = async (agentId, opts, actor) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    try {
      const task = await orchestrator.claim(agentId, opts, actor);
      metrics.observeClaim(task === null ? 'empty' : 'task', seconds());
      return task;
    } catch (err) {
      metrics.observeClaim('error', seconds());
      throw err;
    }
  };
  return new Proxy(orchestrator, {
    get(target, key) {
      if (key === 'claim') return claim;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

import type { OrchestratorApi } from './types.js';
import type { OrchestratorDeps } from './orchestrator-deps.js';

/** Placeholder while the use cases land; the signatures are those of OrchestratorApi. */
export interface Orchestrator extends OrchestratorApi {
  /** Rebuilds timers from the store and runs one dispatch pass (auto mode). */
  start(): Promise<void>;
  /** Cancels timers and waits for in-flight dispatch work. */
  stop(): Promise<void>;
}

export declare function createOrchestrator(deps: OrchestratorDeps): Orchestrator;

// PlanAlign's public API: build through OrchestratorBuilder, as the CLI, tests and benchmarks do.
export { OrchestratorBuilder, DEFAULT_CONFIG_PATH, DEFAULT_DATABASE_PATH } from './factory.js';
export { PipelineOrchestrator, type RunResult, type YearResult } from './orchestrator/orchestrator.js';
export { RNG_VERSION, RNG_STREAMS } from './models/rng.js';
export { buildPlan, describePlan, type SimulationPlan } from './orchestrator/plan.js';
export type { ProgressEvent, ProgressSink } from './orchestrator/progress.js';
export { loadConfig, parseConfig, configHash, type LoadedConfig, type SimulationConfig } from './config/index.js';
export { loadCensus, writeCensus, type CensusLoadResult } from './census/index.js';
export { Database } from './db/database.js';
export { MODELS, STAGES, type Stage } from './models/registry.js';
export { loadDefaultRules, runRules, type ValidationRule, type RuleResult } from './validation/rules.js';
export type { YearSummary } from './reporting/year-summary.js';
export * from './errors.js';
export * from './reporting/index.js';
export { DataValidator, loadRulesModule } from './validation/data-validator.js';
export { HookManager, type Hook, type HookPoint } from './orchestrator/hooks.js';
export { CheckpointManager } from './orchestrator/checkpoints.js';
export { RegistryManager } from './registries/registry-manager.js';
export { createOrchestrator, createCustomOrchestrator } from './factory.js';

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadCensus, type CensusLoadResult } from '../census/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { assertWritableForNewRun, ensureSchema, recordRunEnd, recordRunStart } from '../db/metadata.js';
import { InterruptedError, PlanAlignError } from '../errors.js';
import { MODELS } from '../models/registry.js';
import { RNG_VERSION } from '../models/rng.js';
import { ModelRunner } from '../models/runner.js';
import { compileParameters } from '../params/compile.js';
import { summarizeYear, type YearSummary } from '../reporting/year-summary.js';
import { runRules, type RuleResult, type ValidationRule } from '../validation/rules.js';
import { buildPlan, type SimulationPlan } from './plan.js';
import type { ProgressSink } from './progress.js';


export interface OrchestratorDeps {
  db: Database;
  /** True when the database file did not exist before this run: a run that fails before its first
   *  year is written removes it again, leaving the disk as it was. */
  dbCreated: boolean;
  config: LoadedConfig;
  censusPath: string;
  rules: readonly ValidationRule[];
  progress: ProgressSink;
  clock: () => Date;
}

export interface YearResult {
  summary: YearSummary;
  validation: RuleResult[];
}

export interface RunResult {
  runId: string;
  configHash: string;
  censusHash: string;
  census: CensusLoadResult;
  notices: string[];
  years: YearResult[];
}

/**
 * Runs the year loop: one transaction for the run's set-up (schema, census, parameters, run record),
 * then one transaction per year walking the plan's stages. A failed year leaves nothing of itself.
 */
export class PipelineOrchestrator {
  private readonly runner: ModelRunner;

  constructor(private readonly deps: OrchestratorDeps) {
    this.runner = new ModelRunner(deps.db);
  }

  get database(): Database {
    return this.deps.db;
  }

  plan(): SimulationPlan {
    const sim = this.deps.config.config.simulation;
    return buildPlan(
      {
        startYear: sim.start_year,
        endYear: sim.end_year,
        seed: sim.random_seed,
        configHash: this.deps.config.hash,
        census: this.deps.censusPath,
        database: this.deps.db.path,
      },
      this.deps.rules,
    );
  }

  async run(options: { signal?: AbortSignal } = {}): Promise<RunResult> {
    const { db, config, progress, clock } = this.deps;
    const plan = this.plan();
    const startedAt = clock();
    const checkInterrupt = (): void => {
      if (options.signal?.aborted) throw new InterruptedError();
    };

    let setup: { runId: string; census: CensusLoadResult; notices: string[] };
    try {
      await assertWritableForNewRun(db);
      setup = await db.transaction(async () => {
        await ensureSchema(db, startedAt);
        await this.runner.installMacros();
        const census = await loadCensus(db, this.deps.censusPath);
        const runId = makeRunId(startedAt, config.hash, census.hash);
        const compiled = await compileParameters(db, config.config, {
          scenarioId: config.config.scenario_id ?? 'default',
          planDesignId: config.config.plan_design_id ?? 'default',
          startedAt,
        });
        await recordRunStart(db, {
          runId,
          rngVersion: RNG_VERSION,
          configHash: config.hash,
          censusHash: census.hash,
          configPath: config.path,
          censusPath: this.deps.censusPath,
          scenarioId: config.config.scenario_id ?? 'default',
          planDesignId: config.config.plan_design_id ?? 'default',
          seed: config.config.simulation.random_seed,
          startYear: plan.startYear,
          endYear: plan.endYear,
          startedAt,
        });
        return { runId, census, notices: [...census.warnings, ...compiled.notices] };
      });
    } catch (error) {
      this.discardCreatedDatabase();
      throw error;
    }

    const { runId, census, notices } = setup;
    progress.emit({ kind: 'run_started', runId, startYear: plan.startYear, endYear: plan.endYear });
    for (const message of notices) progress.emit({ kind: 'notice', message });

    const years: YearResult[] = [];
    try {
      for (const yearPlan of plan.years) {
        checkInterrupt();
        const yearStarted = Date.now();
        progress.emit({ kind: 'year_started', year: yearPlan.year });
        const result = await db.transaction(async () => {
          await this.runner.setYear(yearPlan.year, plan.startYear, plan.seed);
          let validation: RuleResult[] = [];
          for (const stagePlan of yearPlan.stages) {
            const stageStarted = Date.now();
            progress.emit({ kind: 'stage_started', year: yearPlan.year, stage: stagePlan.stage });
            for (const name of stagePlan.models) {
              checkInterrupt();
              await this.runner.runModel(modelNamed(name), yearPlan.year);
            }
            if (stagePlan.rules.length > 0) {
              const rules = this.deps.rules.filter((r) => stagePlan.rules.includes(r.name));
              validation = await runRules(db, rules);
              progress.emit({ kind: 'validation', year: yearPlan.year, results: validation });
            }
            progress.emit({
              kind: 'stage_completed',
              year: yearPlan.year,
              stage: stagePlan.stage,
              seconds: (Date.now() - stageStarted) / 1000,
            });
          }
          return { summary: await summarizeYear(db, yearPlan.year), validation };
        });
        years.push(result);
        progress.emit({
          kind: 'year_completed',
          year: yearPlan.year,
          seconds: (Date.now() - yearStarted) / 1000,
          summary: result.summary,
        });
      }
    } catch (error) {
      const status = error instanceof InterruptedError ? 'interrupted' : 'failed';
      await recordRunEnd(db, runId, status, clock(), describe(error)).catch(() => undefined);
      throw error;
    }
    await recordRunEnd(db, runId, 'completed', clock());
    progress.emit({ kind: 'run_completed', runId, seconds: (clock().getTime() - startedAt.getTime()) / 1000 });
    return { runId, configHash: config.hash, censusHash: census.hash, census, notices, years };
  }

  close(): void {
    this.deps.db.close();
  }

  private discardCreatedDatabase(): void {
    if (!this.deps.dbCreated || this.deps.db.isMemory) return;
    this.deps.db.close();
    for (const suffix of ['', '.wal']) rmSync(this.deps.db.path + suffix, { force: true });
  }
}

function modelNamed(name: string) {
  const model = MODELS.find((m) => m.name === name);
  if (model === undefined) throw new PlanAlignError(`Unknown model in plan: ${name}`);
  return model;
}

function makeRunId(startedAt: Date, configHash: string, censusHash: string): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const digest = createHash('sha256').update(`${configHash}|${censusHash}|${startedAt.toISOString()}`).digest('hex');
  return `run-${stamp}-${digest.slice(0, 8)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

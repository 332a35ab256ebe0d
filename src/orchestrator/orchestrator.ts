import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { hashCensus, loadCensus, openingBalancesNotice, type CensusLoadResult } from '../census/index.js';
import type { CensusIntakeOptions } from '../census/intake.js';
import { canonicalJson, configHash, configJson, type LoadedConfig, type SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import type { EngineServices } from '../factory.js';
import {
  assertNotForeign,
  ensureSchema,
  MODEL_TABLES_SINCE,
  storedSchemaVersion,
  markAbandonedRuns,
  recordRunEnd,
  recordRunStart,
  reopenRun,
  timestamp,
  UNKNOWN_HASH,
} from '../db/metadata.js';
import { DatabaseStateError, InterruptedError, PlanAlignError, ValidationFailedError } from '../errors.js';
import { MODELS } from '../models/registry.js';
import { RNG_VERSION, type DrawSettings } from '../models/rng.js';
import type { ModelRunner } from '../models/runner.js';
import { compileParameters } from '../params/compile.js';
import { irsLimitProjection, type IrsLimitProjection } from '../params/irs-limits.js';
import type { ParameterTables } from '../params/tables.js';
import { REGISTRY_TABLES, type RegistryManager } from '../registries/registry-manager.js';
import { MultiYearReporter } from '../reporting/multi-year-reporter.js';
import type { MultiYearSummary, Reporter, YearAudit } from '../reporting/types.js';
import { YearAuditor } from '../reporting/year-auditor.js';
import type { RuleResult } from '../validation/rules.js';
import { CHECKPOINT_HASH_SCHEME, hashScheme, type CheckpointManager } from './checkpoints.js';
import type { HookManager } from './hooks.js';
import { planForConfig, type SimulationPlan } from './plan.js';
import { changedTables, configChanges, describeConfigChanges } from './inputs.js';
import type { ProgressSink } from './progress.js';

export interface OrchestratorDeps extends EngineServices {
  db: Database;
  /** True when the database file did not exist before: a run that fails before its first year is
   *  written removes it again, leaving the disk as it was. */
  dbCreated: boolean;
  config: LoadedConfig;
  censusPath: string;
  /** How the census is read (the command line's options; its sidecar is read by loadCensus). */
  censusIntake?: CensusIntakeOptions;
  /** The validated parameter tables (bundled, or from setup.parameter_tables_dir). */
  parameterTables: ParameterTables;
  reporters: readonly Reporter[];
  hooks: HookManager;
  progress: ProgressSink;
  clock: () => Date;
  logger: Logger;
}

export interface MultiYearOptions {
  /** Defaults: the config's simulation.start_year / end_year. */
  startYear?: number;
  endYear?: number;
  /** Continue the database's run at its first year without a checkpoint. */
  resume?: boolean;
  /** Clear every year from startYear on and recompute them. */
  forceRestart?: boolean;
  /**
   * Stop (exit 3) and roll the year back when an error-severity rule finds violations. Absent: the
   * config's setup.fail_on_validation_error.
   */
  failOnValidationError?: boolean;
  signal?: AbortSignal;
}

export interface YearResult {
  year: number;
  audit: YearAudit;
  validation: RuleResult[];
}

export interface RunResult extends MultiYearSummary {
  census: CensusLoadResult;
  notices: string[];
  /** The years this call computed (a resume skips completed ones). */
  years: YearResult[];
  resumedFrom?: number;
  /** The run's years whose IRS limits are projected past the last published year; absent when none are. */
  irsLimitProjection?: IrsLimitProjection;
}

/** The run being executed: set up once, then read by every year. */
interface ActiveRun {
  runId: string;
  baseYear: number;
  endYear: number;
  startedAt: Date;
  seed: number;
  /** Frozen subsystem seeds and count uncertainty (config), the same every year. */
  draws: DrawSettings;
  configHash: string;
  censusHash: string;
  parametersHash: string;
  failOnValidationError: boolean;
  signal: AbortSignal | undefined;
  /** The years with a checkpoint, kept as the run writes them (this process holds the database). */
  completed: Set<number>;
  /** The first year from which the model tables hold no rows (cleared by the set-up, not yet built). */
  emptyFrom: number | undefined;
}

/**
 * Runs the year loop through its stages: INITIALIZATION → FOUNDATION → EVENT_GENERATION →
 * STATE_ACCUMULATION → VALIDATION → REPORTING → CLEANUP. One transaction sets a run up (schema,
 * census, parameters, run record); then each year is one transaction that ends with its checkpoint,
 * so a failed or killed year leaves nothing of itself and a resume starts exactly there.
 */
export class PipelineOrchestrator {
  private readonly runner: ModelRunner;
  private readonly checkpoints: CheckpointManager;
  readonly registries: RegistryManager;
  private active: ActiveRun | undefined;

  constructor(private readonly deps: OrchestratorDeps) {
    this.runner = deps.runner;
    this.checkpoints = deps.checkpoints;
    this.registries = deps.registries;
  }

  get database(): Database {
    return this.deps.db;
  }

  plan(years?: { startYear: number; endYear: number }): SimulationPlan {
    return planForConfig(this.deps.config, this.deps.censusPath, this.deps.db.path, this.deps.validator.rules, years);
  }

  /** The whole simulation (or what a resume leaves of it); returns the multi-year summary. */
  async executeMultiYearSimulation(options: MultiYearOptions = {}): Promise<RunResult> {
    const { config, progress, hooks, clock, logger } = this.deps;
    const sim = config.config.simulation;
    const startYear = options.startYear ?? sim.start_year;
    const endYear = options.endYear ?? sim.end_year;
    if (endYear < startYear) throw new PlanAlignError(`End year ${endYear} is before start year ${startYear}`);

    let setup: { census: CensusLoadResult; notices: string[]; firstYear: number; resumedFrom?: number };
    try {
      setup = await this.prepareRun(startYear, endYear, options);
    } catch (error) {
      this.discardCreatedDatabase();
      throw error;
    }
    const run = this.active as ActiveRun;
    const runLog = logger.child({ runId: run.runId });
    progress.emit({ kind: 'run_started', runId: run.runId, startYear: setup.firstYear, endYear });
    for (const message of setup.notices) {
      progress.emit({ kind: 'notice', message });
      runLog.warn({ notice: message }, 'notice');
    }
    // DuckDB's threads and memory limit as applied (a batch divides them among its runs).
    const duckdb = await this.deps.db.one(`SELECT current_setting('threads')::INTEGER AS threads, current_setting('memory_limit') AS memory_limit`);
    runLog.info({ firstYear: setup.firstYear, endYear, resumedFrom: setup.resumedFrom, duckdb }, 'run started');

    const years: YearResult[] = [];
    try {
      await hooks.fire({ point: 'before_run', runId: run.runId });
      for (let year = setup.firstYear; year <= endYear; year += 1) years.push(await this.executeYearWorkflow(year));
      await hooks.fire({ point: 'after_run', runId: run.runId });
    } catch (error) {
      const status = error instanceof InterruptedError ? 'interrupted' : 'failed';
      await recordRunEnd(this.deps.db, run.runId, status, clock(), describe(error)).catch(() => undefined);
      runLog.error({ err: error }, `run ${status}`);
      throw error;
    }
    await recordRunEnd(this.deps.db, run.runId, 'completed', clock());
    const summary = await new MultiYearReporter(this.deps.db).summarize({
      runId: run.runId,
      startYear: run.baseYear,
      endYear,
      startTime: run.startedAt,
      generatedAt: clock(),
    });
    const atEnd = this.deps.reporters.filter((r) => r.onRunEnd !== undefined);
    if (atEnd.length > 0) {
      // The years built by this process were audited inside their transaction; a resumed run's
      // earlier years are audited now.
      const audited = new Map(years.map((y) => [y.year, y.audit]));
      const audits = await Promise.all(
        Array.from({ length: endYear - run.baseYear + 1 }, (_, i) => run.baseYear + i).map(
          (year) => audited.get(year) ?? new YearAuditor(this.deps.db).audit(year),
        ),
      );
      for (const reporter of atEnd) await reporter.onRunEnd?.(summary, audits);
    }
    progress.emit({ kind: 'run_completed', runId: run.runId, seconds: (clock().getTime() - run.startedAt.getTime()) / 1000 });
    runLog.info({ years: years.length }, 'run completed');
    const irsLimits = await irsLimitProjection(this.deps.db, run.baseYear, endYear, config.config.setup.irs_limit_indexing_rate);
    return { ...summary, census: setup.census, notices: setup.notices, years, resumedFrom: setup.resumedFrom, irsLimitProjection: irsLimits };
  }

  /** One year, in one transaction ending with its checkpoint. Sets a run up for it when none is active. */
  async executeYearWorkflow(year: number): Promise<YearResult> {
    if (this.active === undefined) await this.prepareRun(year, year, { resume: true });
    const run = this.active as ActiveRun;
    if (year > run.baseYear && !run.completed.has(year - 1)) {
      throw new DatabaseStateError(`Cannot simulate ${year}: year ${year - 1} is not complete in ${this.deps.db.path}`, {
        simulationYear: year,
      });
    }
    const { db, hooks, progress, validator, logger, clock } = this.deps;
    const yearLog = logger.child({ runId: run.runId, year });
    const plan = this.plan({ startYear: year, endYear: year }).years[0];
    if (plan === undefined) throw new PlanAlignError(`No plan for ${year}`);
    const checkInterrupt = (): void => {
      if (run.signal?.aborted) throw new InterruptedError();
    };

    checkInterrupt();
    const yearStarted = Date.now();
    await hooks.fire({ point: 'before_year', runId: run.runId, year });
    progress.emit({ kind: 'year_started', year });
    let validation: RuleResult[] = [];
    let validated = false;
    let audit: YearAudit;
    const yearIsEmpty = run.emptyFrom !== undefined && year >= run.emptyFrom;
    try {
      audit = await db.transaction(async () => {
        await this.runner.setYear(year, run.baseYear, run.seed, run.draws);
        for (const stage of plan.stages) {
          const stageStarted = Date.now();
          await hooks.fire({ point: 'before_stage', runId: run.runId, year, stage: stage.stage });
          progress.emit({ kind: 'stage_started', year, stage: stage.stage });
          for (const name of stage.models) {
            checkInterrupt();
            await this.runner.runModel(modelNamed(name), year, yearIsEmpty);
          }
          if (stage.rules.length > 0) {
            validation = await validator.validate(db, year);
            validated = true;
            progress.emit({ kind: 'validation', year, results: validation });
            const failures = validation.filter((r) => r.severity === 'error' && r.violations > 0);
            for (const f of validation.filter((r) => r.violations > 0)) {
              yearLog.warn({ stage: stage.stage, rule: f.rule, severity: f.severity, violations: f.violations }, 'validation finding');
            }
            if (failures.length > 0 && run.failOnValidationError) throw new ValidationFailedError(year, failures);
            await this.recordValidation(run.runId, year, validation);
          }
          if (stage.stage === 'CLEANUP') await this.checkpoints.write(year, run, clock());
          await hooks.fire({ point: 'after_stage', runId: run.runId, year, stage: stage.stage });
          const seconds = (Date.now() - stageStarted) / 1000;
          progress.emit({ kind: 'stage_completed', year, stage: stage.stage, seconds });
          yearLog.debug({ stage: stage.stage, seconds }, 'stage completed');
        }
        return new YearAuditor(db).audit(year, validated ? validation : undefined);
      });
      run.completed.add(year);
      if (yearIsEmpty) run.emptyFrom = year + 1;
      await this.runner.dropScratch();
    } catch (error) {
      // The year is rolled back; what validation found is kept as the record of why.
      if (validation.length > 0) await this.recordValidation(run.runId, year, validation).catch(() => undefined);
      throw error;
    }
    for (const reporter of this.deps.reporters) await reporter.onYear?.(audit);
    await hooks.fire({ point: 'after_year', runId: run.runId, year });
    const seconds = (Date.now() - yearStarted) / 1000;
    progress.emit({ kind: 'year_completed', year, seconds, summary: audit.summary });
    yearLog.info({ seconds, activeHeadcount: audit.summary.activeHeadcount }, 'year completed');
    return { year, audit, validation };
  }

  close(): void {
    this.deps.db.close();
  }

  /**
   * Decides where the run starts, then sets it up in one transaction: schema, census, parameters,
   * the run record, and the clearing of any year about to be recomputed.
   */
  private async prepareRun(
    startYear: number,
    endYear: number,
    options: MultiYearOptions,
  ): Promise<{ census: CensusLoadResult; notices: string[]; firstYear: number; resumedFrom?: number }> {
    const { db, config, clock, parameterTables: tables } = this.deps;
    await assertNotForeign(db);
    const notices: string[] = [];
    const existing = await this.existingRun();
    const checkpoints = await this.checkpoints.list();
    const completed = new Set(checkpoints.map((c) => c.year));
    const simulatedYears = await this.simulatedYears();

    let baseYear = startYear;
    let firstYear = startYear;
    let reuse: { runId: string; startedAt: Date } | undefined;
    if (simulatedYears.length > 0 && existing !== undefined) {
      if (options.resume) {
        baseYear = existing.startYear;
        // Only a resume needs the hash before the load (which computes it too): a census read through a
        // sidecar or flags is loaded to be hashed, so a fresh run must not pay that twice.
        const censusHash = await hashCensus(this.deps.censusPath, this.deps.censusIntake, config.config.deferral_rates).catch(() => '');
        const changed = this.changedInputs(existing, baseYear, censusHash, notices);
        if (changed.length > 0) {
          throw new DatabaseStateError(
            `Cannot resume run ${existing.runId} in ${db.path}: ${changed.join('; ')}`,
            { file: db.path },
            'Resume with the same config, census and parameter tables, or recompute with --force-restart.',
          );
        }
        const older = checkpoints.find((c) => hashScheme(c.hashAlgorithm) !== CHECKPOINT_HASH_SCHEME);
        if (older !== undefined) {
          throw new DatabaseStateError(
            `Cannot resume run ${existing.runId} in ${db.path}: its years were written by an earlier PlanAlign, whose checkpoints ` +
              `(hash algorithm ${older.hashAlgorithm}) hash the tables as that version stored them; this one cannot verify them, so it does not continue them`,
            { file: db.path },
            olderSchemeHint(existing, baseYear),
          );
        }
        firstYear = baseYear;
        while (completed.has(firstYear) && firstYear <= endYear) firstYear += 1;
        reuse = { runId: existing.runId, startedAt: existing.startedAt };
        notices.push(
          firstYear > endYear
            ? `All years ${baseYear}–${endYear} are already complete; nothing to resume`
            : `Resuming run ${existing.runId} at ${firstYear} (years ${baseYear}–${firstYear - 1} complete)`,
        );
      } else if (options.forceRestart) {
        baseYear = Math.min(startYear, existing.startYear);
        if (startYear > existing.startYear && !completed.has(startYear - 1)) {
          throw new DatabaseStateError(
            `Cannot restart at ${startYear}: year ${startYear - 1} is not complete in ${db.path}`,
            { file: db.path },
            `Restart from an earlier year, or from ${existing.startYear}.`,
          );
        }
        // The years kept must be verifiable, or the database could never be resumed again.
        const olderKept = checkpoints.find((c) => c.year < startYear && hashScheme(c.hashAlgorithm) !== CHECKPOINT_HASH_SCHEME);
        if (olderKept !== undefined) {
          throw new DatabaseStateError(
            `Cannot restart at ${startYear}: year ${olderKept.year} in ${db.path} was written by an earlier PlanAlign ` +
              `(checkpoint hash algorithm ${olderKept.hashAlgorithm}), which this one cannot verify, so it does not build on it`,
            { file: db.path },
            olderSchemeHint(existing, existing.startYear),
          );
        }
        firstYear = startYear;
        notices.push(`Clearing years ${startYear} and later, then recomputing them`);
      } else {
        throw new DatabaseStateError(
          `Database ${db.path} already holds simulated years (${simulatedYears.join(', ')})`,
          { file: db.path },
          'Use --resume to continue the run, --force-restart to recompute from the first year, or another --database.',
        );
      }
    } else if (options.resume || options.forceRestart) {
      notices.push(`Nothing to ${options.resume ? 'resume' : 'restart'} in ${db.path}: starting at ${startYear}`);
    }
    if (existing !== undefined && baseYear < firstYear && firstYear <= endYear) {
      await assertStateTablesHeld(db, existing.runId, baseYear, firstYear);
    }

    const effective = withYears(config.config, baseYear, endYear);
    const runHash = configHash(effective);
    const startedAt = reuse?.startedAt ?? clock();
    const setup = await db.transaction(async () => {
      await this.checkpoints.upgradeTables(await ensureSchema(db, clock()));
      await this.runner.installMacros();
      const census = await loadCensus(db, this.deps.censusPath, config.config.deferral_rates, baseYear, this.deps.censusIntake);
      const runId = reuse?.runId ?? makeRunId(startedAt, runHash, census.hash);
      const compiled = await compileParameters(
        db,
        effective,
        { scenarioId: config.config.scenario_id ?? 'default', planDesignId: config.config.plan_design_id ?? 'default', startedAt },
        tables,
      );
      if (firstYear <= endYear) await this.clearFrom(firstYear);
      // We hold the database: a run still marked running belongs to a process that is gone.
      await markAbandonedRuns(db, reuse?.runId);
      const inputs = {
        configHash: runHash,
        configJson: configJson(effective),
        censusHash: census.hash,
        parametersHash: tables.hash,
        parameterTables: canonicalJson(tables.fingerprint),
      };
      if (reuse) {
        // changedInputs found the config equal but for its end year (or not recorded).
        if (existing !== undefined && existing.configHash !== UNKNOWN_HASH) {
          await this.checkpoints.extendConfigHash(existing.configHash, runHash);
        }
        await reopenRun(db, runId, endYear, inputs);
      } else {
        await recordRunStart(db, {
          runId,
          rngVersion: RNG_VERSION,
          ...inputs,
          configPath: config.path,
          censusPath: this.deps.censusPath,
          scenarioId: config.config.scenario_id ?? 'default',
          planDesignId: config.config.plan_design_id ?? 'default',
          seed: config.config.simulation.random_seed,
          startYear: baseYear,
          endYear,
          startedAt,
        });
      }
      const balances = openingBalancesNotice(census);
      return { runId, census, notices: [...census.warnings, ...(balances === undefined ? [] : [balances]), ...compiled.notices, ...notices] };
    });
    const { runId } = setup;
    this.active = {
      runId,
      baseYear,
      endYear,
      startedAt,
      seed: config.config.simulation.random_seed,
      draws: {
        frozenSeeds: config.config.ensemble?.frozen_subsystem_seeds,
        countUncertainty: config.config.simulation.count_uncertainty,
      },
      configHash: runHash,
      censusHash: setup.census.hash,
      parametersHash: tables.hash,
      failOnValidationError: options.failOnValidationError ?? config.config.setup.fail_on_validation_error,
      signal: options.signal,
      completed: new Set([...completed].filter((y) => y < firstYear || firstYear > endYear)),
      emptyFrom: firstYear <= endYear ? firstYear : undefined,
    };
    return { ...setup, firstYear, resumedFrom: reuse && firstYear > baseYear ? firstYear : undefined };
  }

  /** Which inputs differ from the run being resumed, in words: the config keys and parameter tables
   *  that changed. An input recorded as unknown (a migrated or version-1 run) matches, and the resume
   *  records the real one. */
  private changedInputs(run: ExistingRun, baseYear: number, censusHash: string, notices: string[]): string[] {
    const changed: string[] = [];
    const current = withYears(this.deps.config.config, baseYear, run.endYear);
    const currentHash = configHash(current);
    const tables = this.deps.parameterTables;
    const recorded = [['config', run.configHash], ['census', run.censusHash], ['parameter tables', run.parametersHash]] as const;
    for (const [input, hash] of recorded) {
      if (hash === UNKNOWN_HASH) notices.push(`Run ${run.runId} did not record its ${input}; recording this one's hash now`);
    }
    if (run.configHash !== UNKNOWN_HASH && currentHash !== run.configHash) {
      const keys =
        run.configJson === null
          ? 'that run did not keep its config, so the keys cannot be named'
          : describeConfigChanges(configChanges(JSON.parse(run.configJson), JSON.parse(configJson(current))));
      changed.push(`the config changed since that run (hash ${run.configHash.slice(0, 12)} then, ${currentHash.slice(0, 12)} now): ${keys}`);
    }
    if (run.censusHash !== UNKNOWN_HASH && censusHash !== run.censusHash) {
      changed.push(`the census changed (hash ${run.censusHash.slice(0, 12)} then, ${censusHash.slice(0, 12) || 'unreadable'} now)`);
    }
    if (run.parametersHash !== UNKNOWN_HASH && tables.hash !== run.parametersHash) {
      const before = run.parameterTables === null ? {} : (JSON.parse(run.parameterTables) as Record<string, string>);
      changed.push(`the parameter tables changed: ${changedTables(before, tables.fingerprint).join(', ')}`);
    }
    return changed;
  }

  private async existingRun(): Promise<ExistingRun | undefined> {
    if (!(await this.deps.db.tableExists('planalign_runs'))) return undefined;
    const row = await this.deps.db.one<{
      run_id: string;
      config_hash: string;
      config_json?: string | null;
      census_hash: string;
      parameters_hash?: string | null;
      parameter_tables?: string | null;
      start_year: number;
      end_year: number;
      started_at: string;
      rng_version: string;
    }>(
      // * so that a version-1 database (no config_json yet; migrated in the run's set-up) can be resumed.
      `SELECT * REPLACE (strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at)
       FROM planalign_runs ORDER BY planalign_runs.started_at DESC, run_id DESC LIMIT 1`,
    );
    if (row === undefined) return undefined;
    return {
      runId: row.run_id,
      configHash: row.config_hash,
      configJson: row.config_json ?? null,
      censusHash: row.census_hash,
      parametersHash: row.parameters_hash ?? UNKNOWN_HASH,
      parameterTables: row.parameter_tables ?? null,
      rngVersion: row.rng_version,
      startYear: row.start_year,
      endYear: row.end_year,
      startedAt: new Date(row.started_at),
    };
  }

  private async simulatedYears(): Promise<number[]> {
    if (!(await this.deps.db.tableExists('fct_workforce_snapshot'))) return [];
    const rows = await this.deps.db.all<{ y: number }>(`SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`);
    return rows.map((r) => r.y);
  }

  /** Removes every row of `year` and later from the model tables, registries and checkpoints. */
  private async clearFrom(year: number): Promise<void> {
    const registries: readonly string[] = REGISTRY_TABLES;
    const models = MODELS.filter((m) => !registries.includes(m.name)).map((m) => m.name);
    // One lookup for all of them: a lookup per model was ~30 ms of every run's set-up.
    const existing = await this.deps.db.existingTables(models);
    for (const model of models.filter((m) => existing.has(m))) {
      await this.deps.db.run(`DELETE FROM ${model} WHERE simulation_year >= $1`, [year]);
    }
    await this.registries.dropFrom(year);
    await this.checkpoints.clearFrom(year);
  }

  private async recordValidation(runId: string, year: number, results: readonly RuleResult[]): Promise<void> {
    const checkedAt = timestamp(this.deps.clock());
    await this.deps.db.run(`DELETE FROM planalign_validation_results WHERE run_id = $1 AND simulation_year = $2`, [runId, year]);
    if (results.length === 0) return;
    // One INSERT for the year's rules: $1-$3 are shared, then five parameters per rule.
    const rows = results.map((_, i) => `($1, $2, $${4 + 5 * i}, $${5 + 5 * i}, $${6 + 5 * i}, $${7 + 5 * i}, $${8 + 5 * i}, $3::TIMESTAMP)`);
    await this.deps.db.run(`INSERT INTO planalign_validation_results VALUES ${rows.join(', ')}`, [
      runId,
      year,
      checkedAt,
      ...results.flatMap((r) => [r.rule, r.severity, r.description, r.violations, JSON.stringify(r.sample)]),
    ]);
  }

  private discardCreatedDatabase(): void {
    if (!this.deps.dbCreated || this.deps.db.isMemory) return;
    this.deps.db.close();
    for (const suffix of ['', '.wal']) rmSync(this.deps.db.path + suffix, { force: true });
  }
}

interface ExistingRun {
  runId: string;
  configHash: string;
  configJson: string | null;
  censusHash: string;
  parametersHash: string;
  parameterTables: string | null;
  /** 'reference-engine' for a run migrated from the Python engine. */
  rngVersion: string;
  startYear: number;
  endYear: number;
  startedAt: Date;
}

/** The config of a run over [startYear, endYear]: its years are part of what the hash covers. */
function withYears(config: SimulationConfig, startYear: number, endYear: number): SimulationConfig {
  return { ...config, simulation: { ...config.simulation, start_year: startYear, end_year: endYear } };
}

function modelNamed(name: string) {
  const model = MODELS.find((m) => m.name === name);
  if (model === undefined) throw new PlanAlignError(`Unknown model in plan: ${name}`);
  return model;
}

/** What to do with a run whose checkpoints an earlier PlanAlign wrote: a migrated reference run is
 *  migrated again (recomputing it would throw away the reference's years), any other is recomputed. */
function olderSchemeHint(run: ExistingRun, fromYear: number): string {
  return run.rngVersion === 'reference-engine'
    ? 'This run was migrated from the Python engine by an earlier PlanAlign: restore the original with `planalign migrate rollback <database>` and migrate it again, then resume.'
    : `Recompute the run from ${fromYear} with --force-restart, or continue it with the PlanAlign that wrote it.`;
}

/**
 * Years kept from a database older than a state table (MODEL_TABLES_SINCE) have no rows in it, and the
 * next year would start that state from nothing (every account at zero): such a run is recomputed, not continued.
 */
async function assertStateTablesHeld(db: Database, runId: string, baseYear: number, firstYear: number): Promise<void> {
  const version = await storedSchemaVersion(db);
  if (version === null) return;
  const missing = Object.entries(MODEL_TABLES_SINCE).filter(([since]) => Number(since) > version).flatMap(([, tables]) => tables);
  if (missing.length === 0) return;
  throw new DatabaseStateError(
    `Cannot continue run ${runId} in ${db.path} at ${firstYear}: its years ${baseYear}–${firstYear - 1} were written by schema version ${version}, ` +
      `without ${missing.join(', ')}, so the years after them would start every account at zero`,
    { file: db.path },
    `Recompute the run from ${baseYear} with --force-restart.`,
  );
}

function makeRunId(startedAt: Date, configHashValue: string, censusHash: string): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const digest = createHash('sha256').update(`${configHashValue}|${censusHash}|${startedAt.toISOString()}`).digest('hex');
  return `run-${stamp}-${digest.slice(0, 8)}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

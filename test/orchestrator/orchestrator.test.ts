import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import {
  ConfigError,
  DatabaseStateError,
  HookError,
  InterruptedError,
  ValidationFailedError,
} from '../../src/errors.js';
import { createCustomOrchestrator, createOrchestrator, OrchestratorBuilder } from '../../src/factory.js';
import type { HookContext } from '../../src/orchestrator/hooks.js';
import type { ProgressEvent } from '../../src/orchestrator/progress.js';
import type { MultiYearSummary, Reporter, YearAudit } from '../../src/reporting/types.js';
import { YearAuditor } from '../../src/reporting/year-auditor.js';
import { sqlRule } from '../../src/validation/rules.js';
import { contentDigest, defaultConfigObject, makeCensus, query } from '../support/engine.js';

const STAMPS: Record<string, string[]> = {
  fct_yearly_events: ['created_at'],
  fct_workforce_snapshot: ['snapshot_created_at'],
  int_enrollment_state_accumulator: ['simulation_year'],
  int_deferral_rate_state_accumulator: ['simulation_year'],
  int_employee_contributions: ['simulation_year'],
};

async function digests(database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, exclude] of Object.entries(STAMPS)) out[table] = await contentDigest(database, table, exclude);
  return out;
}

function builder(dir: string, census: string, name: string, config = defaultConfigObject()): OrchestratorBuilder {
  return new OrchestratorBuilder().withConfig(config).withEnvironment({}).withCensus(census).withDatabase(join(dir, `${name}.duckdb`));
}

/** A rule that fails in one year only: the user-rule shape a --rules module exports. */
const failIn = (year: number) =>
  sqlRule({
    name: `fails_in_${year}`,
    severity: 'error',
    description: `fails in ${year}`,
    sql: `SELECT 1 AS x WHERE getvariable('simulation_year') = ${year}`,
  });

describe('PipelineOrchestrator', () => {
  let dir: string;
  let census: string;
  let reference: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-orch-'));
    census = await makeCensus(dir, 800, 13);
    const orchestrator = await builder(dir, census, 'reference').withYears(2025, 2028).build();
    await orchestrator.executeMultiYearSimulation();
    orchestrator.close();
    reference = await digests(join(dir, 'reference.duckdb'));
  });

  it('fires hooks around the run, each year and each stage, in registration order', async () => {
    const calls: string[] = [];
    const record = (name: string) => (c: HookContext) => void calls.push(`${name}:${c.point}:${c.year ?? ''}:${c.stage ?? ''}`);
    const orchestrator = await builder(dir, census, 'hooks')
      .withYears(2025, 2026)
      .withHooks(
        { name: 'a', point: 'before_run', run: record('a') },
        { name: 'b', point: 'before_run', run: record('b') },
        { name: 'y', point: 'before_year', run: record('y') },
        { name: 'y', point: 'after_year', run: record('y') },
        { name: 's', point: 'before_stage', run: record('s') },
        { name: 's', point: 'after_stage', run: record('s') },
        { name: 'z', point: 'after_run', run: record('z') },
      )
      .build();
    await orchestrator.executeMultiYearSimulation();
    orchestrator.close();
    expect(calls.slice(0, 4)).toEqual(['a:before_run::', 'b:before_run::', 'y:before_year:2025:', 's:before_stage:2025:INITIALIZATION']);
    expect(calls.filter((c) => c.startsWith('s:before_stage:2025')).map((c) => c.split(':')[3])).toEqual([
      'INITIALIZATION', 'FOUNDATION', 'EVENT_GENERATION', 'STATE_ACCUMULATION', 'VALIDATION', 'REPORTING', 'CLEANUP',
    ]);
    expect(calls.at(-2)).toBe('y:after_year:2026:');
    expect(calls.at(-1)).toBe('z:after_run::');
    expect(calls.filter((c) => c.includes('stage')).length).toBe(2 * 7 * 2);
  });

  it('a throwing hook fails the run with its name and leaves nothing of the year', async () => {
    const orchestrator = await builder(dir, census, 'bad_hook')
      .withYears(2025, 2026)
      .withHooks({
        name: 'explodes-in-2026',
        point: 'after_stage',
        run: (c) => {
          if (c.year === 2026 && c.stage === 'STATE_ACCUMULATION') throw new Error('boom');
        },
      })
      .build();
    const error = await orchestrator.executeMultiYearSimulation().catch((e: unknown) => e);
    orchestrator.close();
    expect(error).toBeInstanceOf(HookError);
    expect((error as HookError).message).toMatch(/explodes-in-2026.*after_stage.*boom/);
    const db = join(dir, 'bad_hook.duckdb');
    expect(await query(db, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot`)).toEqual([{ y: 2025 }]);
    expect(await query(db, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = 2026`)).toEqual([{ n: 0 }]);
    expect(await query(db, `SELECT status, error FROM planalign_runs`)).toEqual([
      { status: 'failed', error: expect.stringContaining('explodes-in-2026') },
    ]);
  });

  it('runs custom reporters after each year and at the end, with the audit and the summary', async () => {
    const seen: Array<YearAudit | MultiYearSummary> = [];
    let endAudits: readonly YearAudit[] = [];
    const reporter: Reporter = {
      name: 'collector',
      onYear: (audit) => void seen.push(audit),
      onRunEnd: (summary, audits) => {
        seen.push(summary);
        endAudits = audits;
      },
    };
    const orchestrator = await builder(dir, census, 'reporter').withYears(2025, 2026).withCustomReporter(reporter).build();
    const result = await orchestrator.executeMultiYearSimulation();
    orchestrator.close();
    expect(seen.map((s) => ('year' in s ? s.year : 'end'))).toEqual([2025, 2026, 'end']);
    const audit2026 = seen[1] as YearAudit;
    const [counts] = await query<{ active: number; hires: number; promotions: number; raises: number; terms: number; nhTerms: number }>(
      join(dir, 'reporter.duckdb'),
      `SELECT count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
              (SELECT count(*) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'hire')::INTEGER AS hires,
              (SELECT count(*) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'promotion')::INTEGER AS promotions,
              (SELECT count(*) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'raise')::INTEGER AS raises,
              count(*) FILTER (WHERE detailed_status_code = 'experienced_termination')::INTEGER AS terms,
              count(*) FILTER (WHERE detailed_status_code = 'new_hire_termination')::INTEGER AS "nhTerms"
       FROM fct_workforce_snapshot WHERE simulation_year = 2026`,
    );
    expect(audit2026.summary.activeHeadcount).toBe(counts!.active);
    expect(audit2026.eventsByType.find((e) => e.eventType === 'hire')?.count).toBe(counts!.hires);
    expect(audit2026.summary).toMatchObject({
      hires: counts!.hires,
      promotions: counts!.promotions,
      raises: counts!.raises,
      experiencedTerminations: counts!.terms,
      newHireTerminations: counts!.nhTerms,
    });
    expect(counts!.promotions * counts!.raises * counts!.terms * counts!.nhTerms).toBeGreaterThan(0);
    // The audit taken in the year carries the rules it just checked.
    expect(audit2026.validation.map((v) => v.rule)).toEqual([...audit2026.validation.map((v) => v.rule)].sort());
    expect(audit2026.validation.length).toBeGreaterThan(20);
    const summary = seen[2] as MultiYearSummary;
    expect(summary.runId).toBe(result.runId);
    expect(summary.workforceProgression.map((y) => y.year)).toEqual([2025, 2026]);
    const start = summary.growthAnalysis.startingActives;
    const end = summary.growthAnalysis.endingActives;
    expect(summary.growthAnalysis.cagrPct).toBeCloseTo(((end / start) ** (1 / 2) - 1) * 100, 6);
    // The end-of-run audits are the ones taken inside each year: the same as auditing the finished file.
    const finished = await Database.open(join(dir, 'reporter.duckdb'), { readOnly: true });
    try {
      const auditor = new YearAuditor(finished);
      expect(endAudits).toEqual([await auditor.audit(2025), await auditor.audit(2026)]);
    } finally {
      finished.close();
    }
  });

  it('stops on an error rule with failOnValidationError: the year is rolled back, the failure recorded; resume finishes it', async () => {
    const name = 'fail_2026';
    const failing = await builder(dir, census, name).withYears(2025, 2028).withCustomValidator(failIn(2026)).build();
    const error = await failing.executeMultiYearSimulation({ failOnValidationError: true }).catch((e: unknown) => e);
    failing.close();
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).exitCode).toBe(3);
    const db = join(dir, `${name}.duckdb`);
    expect(await query(db, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).toEqual([{ y: 2025 }]);
    expect(await query(db, `SELECT simulation_year AS y FROM planalign_checkpoints`)).toEqual([{ y: 2025 }]);
    expect(
      await query(db, `SELECT simulation_year AS y, violations::INTEGER AS v FROM planalign_validation_results WHERE rule = 'fails_in_2026'`),
    ).toEqual([{ y: 2025, v: 0 }, { y: 2026, v: 1 }]);
    expect(await query(db, `SELECT status FROM planalign_runs`)).toEqual([{ status: 'failed' }]);

    // The same run, resumed without the failing rule, completes and equals an uninterrupted run.
    const resumed = await builder(dir, census, name).withYears(2025, 2028).build();
    const result = await resumed.executeMultiYearSimulation({ resume: true });
    resumed.close();
    expect(result.resumedFrom).toBe(2026);
    expect(result.years.map((y) => y.year)).toEqual([2026, 2027, 2028]);
    expect(await digests(db)).toEqual(reference);
    expect(await query(db, `SELECT count(*)::INTEGER AS n, min(status) AS s FROM planalign_runs`)).toEqual([{ n: 1, s: 'completed' }]);
  });

  it('refuses to resume when the config or the census changed, and says which', async () => {
    const name = 'changed';
    const first = await builder(dir, census, name).withYears(2025, 2026).build();
    await first.executeMultiYearSimulation();
    first.close();
    const config = defaultConfigObject();
    config.workforce.total_termination_rate = 0.2;
    const changedConfig = await builder(dir, census, name, config).withYears(2025, 2027).build();
    await expect(changedConfig.executeMultiYearSimulation({ resume: true })).rejects.toThrow(/config changed/);
    changedConfig.close();
    const otherCensus = await makeCensus(dir, 800, 14);
    const changedCensus = await new OrchestratorBuilder()
      .withConfig(defaultConfigObject())
      .withEnvironment({})
      .withCensus(otherCensus)
      .withDatabase(join(dir, `${name}.duckdb`))
      .withYears(2025, 2027)
      .build();
    const error = await changedCensus.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    changedCensus.close();
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(/census changed/);
    expect((error as Error).message).not.toMatch(/config changed/);
  });

  it('force-restart recomputes from the requested year; a plain run refuses a database with years', async () => {
    const name = 'restart';
    const first = await builder(dir, census, name).withYears(2025, 2028).withSeed(99).build();
    await first.executeMultiYearSimulation();
    first.close();
    const plain = await builder(dir, census, name).withYears(2025, 2028).build();
    await expect(plain.executeMultiYearSimulation()).rejects.toThrow(/already holds simulated years/);
    plain.close();
    const restart = await builder(dir, census, name).withYears(2025, 2028).build();
    const result = await restart.executeMultiYearSimulation({ forceRestart: true });
    restart.close();
    expect(result.years.map((y) => y.year)).toEqual([2025, 2026, 2027, 2028]);
    expect(await digests(join(dir, `${name}.duckdb`))).toEqual(reference);
  });

  it('executeYearWorkflow year by year gives the same tables as one multi-year run', async () => {
    const orchestrator = await builder(dir, census, 'stepwise').withYears(2025, 2028).build();
    for (const year of [2025, 2026, 2027, 2028]) {
      const result = await orchestrator.executeYearWorkflow(year);
      expect(result.year).toBe(year);
    }
    await expect(orchestrator.executeYearWorkflow(2030)).rejects.toThrow(/2029 is not complete/);
    orchestrator.close();
    expect(await digests(join(dir, 'stepwise.duckdb'))).toEqual(reference);
  });

  it('gives identical tables with 1 and 4 DuckDB threads', async () => {
    for (const threads of [1, 4]) {
      const orchestrator = await builder(dir, census, `threads_${threads}`).withYears(2025, 2028).withThreads(threads).build();
      await orchestrator.executeMultiYearSimulation();
      orchestrator.close();
      expect(await digests(join(dir, `threads_${threads}.duckdb`))).toEqual(reference);
    }
  });

  it('an interrupt rolls back the year in progress and marks the run interrupted', async () => {
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const orchestrator = await builder(dir, census, 'interrupted')
      .withYears(2025, 2027)
      .withProgress({
        emit: (event) => {
          events.push(event);
          if (event.kind === 'stage_completed' && event.year === 2026 && event.stage === 'FOUNDATION') controller.abort();
        },
      })
      .build();
    await expect(orchestrator.executeMultiYearSimulation({ signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
    orchestrator.close();
    const db = join(dir, 'interrupted.duckdb');
    expect(await query(db, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot`)).toEqual([{ y: 2025 }]);
    expect(await query(db, `SELECT count(*)::INTEGER AS n FROM int_workforce_needs WHERE simulation_year = 2026`)).toEqual([{ n: 0 }]);
    expect(await query(db, `SELECT status FROM planalign_runs`)).toEqual([{ status: 'interrupted' }]);
    expect(events.filter((e) => e.kind === 'year_completed').length).toBe(1);
  });

  it('detects a checkpointed year whose data changed', async () => {
    const { CheckpointManager } = await import('../../src/orchestrator/checkpoints.js');
    const path = join(dir, 'reference.duckdb');
    const db = await Database.open(path);
    try {
      const manager = new CheckpointManager(db);
      expect(await manager.validate()).toEqual([]);
      await db.run('BEGIN TRANSACTION');
      await db.run(`UPDATE fct_workforce_snapshot SET current_compensation = current_compensation + 1
                    WHERE simulation_year = 2027 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot)`);
      const mismatches = await manager.validate();
      await db.run('ROLLBACK');
      expect(mismatches.map((m) => [m.year, m.table])).toEqual([[2027, 'fct_workforce_snapshot']]);
      // Hashes written by another DuckDB version cannot be compared: reported as such, not as changed.
      await db.run('BEGIN TRANSACTION');
      await db.run(`UPDATE planalign_checkpoints SET hash_algorithm = 'duckdb-hash/v0.0.0' WHERE simulation_year = 2026`);
      const unverifiable = await manager.validate();
      await db.run('ROLLBACK');
      expect(unverifiable).toEqual([expect.objectContaining({ year: 2026, unverifiable: expect.stringMatching(/written with duckdb-hash\/v0\.0\.0/) })]);
    } finally {
      db.close();
    }
  });

  it('checkpoints of an earlier hash scheme are not verifiable, and --resume of their database is refused with the reason', async () => {
    const { CHECKPOINT_HASH_SCHEME, CheckpointManager } = await import('../../src/orchestrator/checkpoints.js');
    const path = join(dir, 'earlier.duckdb');
    const first = await builder(dir, census, 'earlier').withYears(2025, 2026).build();
    await first.executeMultiYearSimulation();
    first.close();
    // As the PlanAlign before stored-table hashing wrote them: DuckDB's hash and version, no scheme.
    const db = await Database.open(path);
    try {
      expect((await new CheckpointManager(db).list()).map((c) => c.hashAlgorithm.split('/')[0])).toEqual([CHECKPOINT_HASH_SCHEME, CHECKPOINT_HASH_SCHEME]);
      await db.run(`UPDATE planalign_checkpoints SET hash_algorithm = 'duckdb-hash/' || version()`);
      const unverifiable = await new CheckpointManager(db).validate();
      expect(unverifiable.map((m) => [m.year, m.table])).toEqual([
        [2025, '*'],
        [2026, '*'],
      ]);
      expect(unverifiable[0]!.unverifiable).toMatch(/^written with duckdb-hash\/v[\d.]+ by an earlier PlanAlign, over the tables as it stored them; this one uses stored-tables-1\/duckdb-hash\//);
    } finally {
      db.close();
    }
    const resumed = await builder(dir, census, 'earlier').withYears(2025, 2027).build();
    const error = await resumed.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    resumed.close();
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(
      /Cannot resume run run-\S+ in .*earlier\.duckdb: its years were written by an earlier PlanAlign, whose checkpoints \(hash algorithm duckdb-hash\/v[\d.]+\) hash the tables as that version stored them; this one cannot verify them, so it does not continue them/,
    );
    expect((error as DatabaseStateError).hint).toMatch(/--force-restart/);
    // Refused before anything was written.
    expect(await query(path, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).toEqual([{ y: 2025 }, { y: 2026 }]);
  });

  it('factory helpers build through the same seam; a builder without config is refused', async () => {
    await expect(new OrchestratorBuilder().build()).rejects.toBeInstanceOf(ConfigError);
    const configPath = join(dir, 'factory_config.yaml');
    const config = defaultConfigObject();
    config.setup.census_parquet_path = census;
    // The failing rule's findings are recorded, not raised (the shipped config stops on them).
    config.setup.fail_on_validation_error = false;
    const { stringify } = await import('yaml');
    writeFileSync(configPath, stringify(config));
    const plain = await createOrchestrator(configPath, { dbPath: join(dir, 'factory.duckdb'), threads: 2 });
    expect(plain.plan().years).toHaveLength(5);
    plain.close();
    const reporterCalls: number[] = [];
    const custom = await createCustomOrchestrator(configPath, join(dir, 'factory_custom.duckdb'), [failIn(2025)], [
      { name: 'years', onYear: (audit) => void reporterCalls.push(audit.year) },
    ]);
    expect(custom.plan().years[0]!.stages.find((s) => s.stage === 'VALIDATION')!.rules).toContain('fails_in_2025');
    const result = await custom.executeYearWorkflow(2025);
    custom.close();
    expect(result.validation.find((r) => r.rule === 'fails_in_2025')?.violations).toBe(1);
    expect(reporterCalls).toEqual([2025]);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { CLI, cleanEnv, holdDatabase, runCli } from '../support/cli.js';
import { contentDigest, defaultConfigObject, makeCensus, query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const TABLES: Record<string, string[]> = {
  fct_yearly_events: ['created_at'],
  fct_workforce_snapshot: ['snapshot_created_at'],
  int_enrollment_state_accumulator: ['simulation_year'],
  int_deferral_rate_state_accumulator: ['simulation_year'],
};

async function digests(database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, exclude] of Object.entries(TABLES)) out[table] = await contentDigest(database, table, exclude);
  return out;
}

describe('simulate: crash and resume', () => {
  it('a run killed at random points inside year 3, five times, resumes to the uninterrupted tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-crash-'));
    const census = await makeCensus(dir, 12_000, 5);
    const reference = join(dir, 'reference.duckdb');
    const full = runCli(['simulate', '2025-2029', '--census', census, '--database', reference, '--json', '--quiet']);
    expect(full.status, full.stderr).toBe(0);
    const year3 = full.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; year?: number; seconds?: number })
      .find((e) => e.event === 'year_completed' && e.year === 2027);
    // The kills fall anywhere in the first three quarters of year 3 as the uninterrupted run timed it on this
    // machine: inside its models, its validation, its checkpoint and its COMMIT alike.
    const year3Ms = (year3?.seconds ?? 0) * 1000;
    expect(year3Ms).toBeGreaterThan(100);

    const database = join(dir, 'crashed.duckdb');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const args = ['simulate', '2025-2029', '--census', census, '--database', database, '--json', '--quiet'];
      if (attempt > 0) args.push('--resume');
      const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let buffered = '';
      await new Promise<void>((done, fail) => {
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          // Year 3 starts when year 2 has completed; a resume is in year 3 once its first stage of it is done.
          const started =
            buffered.includes('"event":"year_completed","year":2026') || (attempt > 0 && buffered.includes('"year":2027'));
          if (started && !child.killed) {
            const offset = 20 + Math.floor(Math.random() * (0.75 * year3Ms - 20));
            setTimeout(() => child.kill('SIGKILL'), offset);
          }
        });
        child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`exited ${code} before the kill`))));
      });
      const years = await query<{ y: number }>(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`);
      expect(years.map((r) => r.y)).toEqual([2025, 2026]);
      expect(await query(database, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = 2027`)).toEqual([{ n: 0 }]);
      expect((await query<{ y: number }>(database, `SELECT simulation_year AS y FROM planalign_checkpoints ORDER BY 1`)).map((r) => r.y)).toEqual([
        2025, 2026,
      ]);
    }
    const resumed = runCli(['simulate', '2025-2029', '--census', census, '--database', database, '--resume', '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming run .* at 2027/);
    expect(await digests(database)).toEqual(await digests(reference));
    const runs = await query<{ status: string }>(database, `SELECT status FROM planalign_runs`);
    expect(runs).toEqual([{ status: 'completed' }]);
  }, 240_000);
});

describe('simulate: validation, NDJSON, status and checkpoints through the CLI', () => {
  const tempDir = useTempDir();
  let shared: string;
  let census: string;

  beforeAll(async () => {
    shared = mkdtempSync(join(tmpdir(), 'planalign-cli4-'));
    census = await makeCensus(shared, 500, 8);
  });

  it('--rules with a rule failing in year 2 and --fail-on-validation-error: exit 3, 2025 only, failure recorded', async () => {
    const dir = tempDir();
    const rules = join(dir, 'rules.mjs');
    writeFileSync(
      rules,
      `export const rules = [{ name: 'no_year_two', severity: 'error', description: 'year 2 is not allowed',
         sql: "SELECT 1 AS x WHERE getvariable('simulation_year') = 2026" }];\n`,
    );
    const database = join(dir, 'sim.duckdb');
    const result = runCli(['simulate', '2025-2027', '--census', census, '--database', database, '--rules', rules, '--fail-on-validation-error']);
    expect(result.status, result.stderr).toBe(ExitCode.ValidationFailure);
    expect(result.stderr).toMatch(/Validation failed in 2026: no_year_two \(1 row\(s\)\)/);
    expect(await query(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot`)).toEqual([{ y: 2025 }]);
    expect(await query(database, `SELECT violations::INTEGER AS v FROM planalign_validation_results WHERE rule = 'no_year_two' AND simulation_year = 2026`)).toEqual([
      { v: 1 },
    ]);
    expect(await query(database, `SELECT status FROM planalign_runs`)).toEqual([{ status: 'failed' }]);
    const status = runCli(['status', '--database', database]);
    expect(status.stdout).toMatch(/failed: continue it with --resume/);

    const badModule = join(dir, 'bad.mjs');
    writeFileSync(badModule, `export default [{ name: 'x', severity: 'fatal', sql: 'SELECT 1' }];\n`);
    const bad = runCli(['simulate', '--census', census, '--database', join(dir, 'b.duckdb'), '--rules', badModule]);
    expect(bad.status).toBe(ExitCode.UsageError);
    expect(bad.stderr).toMatch(/bad\.mjs rule #1 \(x\): severity/);
  });

  it('--json emits one NDJSON event per stage and year, ending with the summary', () => {
    const dir = tempDir();
    const result = runCli(['simulate', '2025-2026', '--census', census, '--database', join(dir, 's.duckdb'), '--json', '--growth', '5%']);
    expect(result.status, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(events.filter((e) => e.event === 'stage_completed')).toHaveLength(14);
    expect(events.filter((e) => e.event === 'year_completed').map((e) => e.year)).toEqual([2025, 2026]);
    const summary = events.at(-1)!;
    expect(summary.event).toBe('summary');
    const [first] = summary.workforceProgression as Array<{ startingActives: number; activeHeadcount: number }>;
    expect(first!.activeHeadcount).toBe(Math.round(first!.startingActives * 1.05));
    // The effective inputs and every override with its source, as data.
    expect(summary.effective_inputs).toMatchObject({ start_year: 2025, end_year: 2026, random_seed: 42, target_growth_rate: 0.05, census });
    expect(summary.effective_inputs.termination_rates).toEqual({ experienced: 0.12, new_hire: 0.25 });
    expect(summary.overrides).toEqual([
      // The start year is what the config says: listed (the argument did set it), marked as no change.
      { key: 'simulation.start_year', value: 2025, source: 'the YEARS argument 2025-2026', overridden_sources: [], config_value: 2025, same_as_config: true },
      { key: 'simulation.end_year', value: 2026, source: 'the YEARS argument 2025-2026', overridden_sources: [], config_value: 2029, same_as_config: false },
      { key: 'simulation.target_growth_rate', value: 0.05, source: '--growth 5%', overridden_sources: [], config_value: 0.03, same_as_config: false },
      {
        key: 'setup.census_parquet_path',
        value: census,
        source: '--census',
        overridden_sources: [],
        config_value: 'examples/census_5000.parquet',
        same_as_config: false,
      },
    ]);
  });

  it('status shows the holder and its progress while another process has the database', async () => {
    const dir = tempDir();
    const database = join(dir, 'held.duckdb');
    const holder = await holdDatabase(database);
    writeFileSync(
      `${database}.status.json`,
      JSON.stringify({ pid: holder.pid, database, state: 'running', runId: 'run-x', startYear: 2025, endYear: 2029,
        currentYear: 2027, currentStage: 'EVENT_GENERATION', yearsCompleted: [2025, 2026], startedAt: 'a', updatedAt: 'b' }),
    );
    try {
      const result = runCli(['status', '--database', database]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`in use by PID ${holder.pid}`);
      expect(result.stdout).toMatch(/now at 2027 event_generation; completed 2025, 2026/);
    } finally {
      holder.release();
    }
    expect(runCli(['status', '--database', join(dir, 'none.duckdb')]).status).toBe(ExitCode.UsageError);
  });

  it('checkpoints list, status, validate (exit 3 after an edit) and cleanup', async () => {
    const dir = tempDir();
    const database = join(dir, 'cp.duckdb');
    expect(runCli(['simulate', '2025-2026', '--census', census, '--database', database, '--quiet']).status).toBe(0);
    expect(existsSync(`${database}.status.json`)).toBe(true);
    expect(JSON.parse(readFileSync(`${database}.status.json`, 'utf8')).state).toBe('completed');
    expect(readFileSync(`${database}.log`, 'utf8')).toMatch(/"runId":"run-.*"year":2026.*year completed/);
    const list = runCli(['checkpoints', 'list', '--database', database]);
    expect(list.stdout).toMatch(/^2025 /m);
    expect(list.stdout).toMatch(/^2026 /m);
    expect(runCli(['checkpoints', 'status', '--database', database]).stdout).toMatch(/last 2026 .*continues at 2027/);
    expect(runCli(['checkpoints', 'validate', '--database', database]).status).toBe(0);

    const { Database } = await import('../../src/db/database.js');
    const db = await Database.open(database);
    await db.run(`UPDATE fct_yearly_events SET event_details = 'edited' WHERE event_id = (SELECT min(event_id) FROM fct_yearly_events WHERE simulation_year = 2026)`);
    await db.run(`DELETE FROM fct_workforce_snapshot WHERE simulation_year = 2026`);
    db.close();
    const validate = runCli(['checkpoints', 'validate', '--database', database]);
    expect(validate.status).toBe(ExitCode.ValidationFailure);
    expect(validate.stdout).toMatch(/Year 2026, table fct_yearly_events: content changed/);
    const cleanup = runCli(['checkpoints', 'cleanup', '--database', database, '--json']);
    expect(JSON.parse(cleanup.stdout)).toEqual({ removed: [2026] });
    expect(runCli(['checkpoints', 'nonsense', '--database', database]).status).toBe(ExitCode.UsageError);
  });

  it('--resume with another seed is refused and explained; --resume with --force-restart is a usage error', () => {
    const dir = tempDir();
    const database = join(dir, 'r.duckdb');
    expect(runCli(['simulate', '2025', '--census', census, '--database', database, '--quiet']).status).toBe(0);
    const changed = runCli(['simulate', '2025-2026', '--census', census, '--database', database, '--resume', '--seed', '7']);
    expect(changed.status).toBe(ExitCode.UsageError);
    expect(changed.stderr).toMatch(/config changed since that run/);
    expect(runCli(['simulate', '--database', database, '--resume', '--force-restart']).status).toBe(ExitCode.UsageError);
  });

  it('validate --enforce-identifiers requires scenario_id and plan_design_id', () => {
    const dir = tempDir();
    const without = runCli(['validate', '--enforce-identifiers']);
    expect(without.status).toBe(ExitCode.UsageError);
    expect(without.stderr).toMatch(/scenario_id: required/);
    const config = defaultConfigObject();
    config.scenario_id = 'baseline';
    config.plan_design_id = 'standard';
    const path = join(dir, 'ids.yaml');
    writeFileSync(path, stringify(config));
    expect(runCli(['validate', '--enforce-identifiers', '--config', path]).status).toBe(0);
  });

  it('--report writes the run report; export and analyze read the database', () => {
    const dir = tempDir();
    const database = join(dir, 'rep.duckdb');
    const reports = join(dir, 'reports');
    const run = runCli(['simulate', '2025-2026', '--census', census, '--database', database, '--quiet', '--report', reports]);
    expect(run.status, run.stderr).toBe(0);
    for (const file of ['summary.txt', 'summary.json', 'year_audits.json', 'yearly_aggregates.csv', 'planalign_report.xlsx']) {
      expect(existsSync(join(reports, file)), file).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(reports, 'summary.json'), 'utf8')) as { workforce_progression: unknown[] };
    expect(summary.workforce_progression).toHaveLength(2);
    const out = join(dir, 'export');
    const exported = runCli(['export', '--database', database, '--format', 'parquet', '--out', out, '--years', '2026', '--per-year']);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('(2026)');
    expect(existsSync(join(out, 'fct_workforce_snapshot_2026.parquet'))).toBe(true);
    expect(existsSync(join(out, 'fct_workforce_snapshot_2025.parquet'))).toBe(false);
    expect(existsSync(join(out, 'columns.csv'))).toBe(true);
    const outside = runCli(['export', '--database', database, '--years', '2024-2025', '--out', join(dir, 'x')]);
    expect(outside.status).toBe(ExitCode.UsageError);
    expect(outside.stderr).toContain('holds no simulated year 2024: it holds 2025–2026');
    const analysis = runCli(['analyze', 'events', '--database', database, '--json']);
    expect(analysis.status, analysis.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(analysis.stdout))).toMatch(/hire/);
    expect(runCli(['export', '--database', database, '--format', 'pdf', '--out', out]).status).toBe(ExitCode.UsageError);
    expect(runCli(['analyze', 'salaries', '--database', database]).status).toBe(ExitCode.UsageError);
    expect(runCli(['export', '--database', join(dir, 'missing.duckdb')]).status).toBe(ExitCode.UsageError);
  });
});

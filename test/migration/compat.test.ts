import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { legacyRunCommand, type LegacyRunOptions } from '../../src/cli/commands/legacy.js';
import { DatabaseStateError, ExitCode, UsageError } from '../../src/errors.js';
import { LEGACY_KWARGS, runMultiYearSimulation, toLegacyResult, type LegacyResult } from '../../src/migration/compat.js';
import { captureOutput } from '../reporting/helpers.js';
import { cleanEnv, runCli } from '../support/cli.js';
import { defaultConfigObject, makeCensus, query, writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const LEGACY_KEYS = ['execution_time', 'final_workforce_size', 'participation_rate', 'total_workforce_growth', 'years_completed'];


/** The legacy figures recomputed from the database with SQL. */
async function expectedFromDatabase(database: string): Promise<Omit<LegacyResult, 'execution_time'>> {
  const years = await query<{ y: number }>(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`);
  const first = years[0]?.y as number;
  const last = years[years.length - 1]?.y as number;
  const [row] = await query<{ start: number; final: number; participating: number }>(
    database,
    `SELECT (SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = ${first})::INTEGER AS start,
            count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS final,
            count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::INTEGER AS participating
     FROM fct_workforce_snapshot WHERE simulation_year = ${last}`,
  );
  const start = row?.start as number;
  const final = row?.final as number;
  return {
    years_completed: years.map((y) => y.y),
    total_workforce_growth: ((final - start) / start) * 100,
    final_workforce_size: final,
    participation_rate: (row?.participating as number) / final,
  };
}

function expectLegacyShape(result: LegacyResult): void {
  expect(Object.keys(result).sort()).toEqual(LEGACY_KEYS);
  expect(result.years_completed.every((y) => Number.isInteger(y))).toBe(true);
  expect(Number.isInteger(result.final_workforce_size)).toBe(true);
  expect(result.participation_rate).toBeGreaterThanOrEqual(0);
  expect(result.participation_rate).toBeLessThanOrEqual(1);
  expect(result.execution_time).toBeGreaterThan(0);
  expect(result.execution_time).toBeLessThan(120);
}

async function withEnv<T>(name: string, value: string | undefined, work: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describe('migration suite: backwards-compatibility layer', () => {
  const tempDir = useTempDir();

  it('runMultiYearSimulation returns the reference dict, matching the database', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const database = join(dir, 'legacy.duckdb');

    const result = await runMultiYearSimulation(2025, 2027, config, { database_path: database });
    expectLegacyShape(result);
    const expected = await expectedFromDatabase(database);
    expect(result.years_completed).toEqual([2025, 2026, 2027]);
    expect(result.final_workforce_size).toBe(expected.final_workforce_size);
    expect(result.participation_rate).toBeCloseTo(expected.participation_rate, 12);
    expect(result.total_workforce_growth).toBeCloseTo(expected.total_workforce_growth, 10);
    const [run] = await query<{ seed: string; start_year: number; end_year: number; status: string; config_path: string }>(
      database,
      `SELECT seed::VARCHAR AS seed, start_year, end_year, status, config_path FROM planalign_runs`,
    );
    expect(run).toEqual({ seed: '42', start_year: 2025, end_year: 2027, status: 'completed', config_path: resolve(config) });
  });

  it('applies the keyword arguments: seed, growth, termination rates, census, threads, db_path', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    // The config names a census that does not exist: census_path must be what is used.
    const config = writeConfigFile(dir, join(dir, 'absent.parquet'));
    const base = join(dir, 'base.duckdb');
    const tuned = join(dir, 'tuned.duckdb');

    const a = await runMultiYearSimulation(2025, 2026, config, { census_path: census, database_path: base, random_seed: null });
    const b = await runMultiYearSimulation(2025, 2026, config, {
      census_path: census,
      db_path: tuned,
      random_seed: 7,
      target_growth_rate: 0.08,
      total_termination_rate: 0.2,
      new_hire_termination_rate: 0.4,
      threads: 2,
      fail_on_validation_error: true,
    });
    expectLegacyShape(b);
    expect(b).toMatchObject(await expectedFromDatabase(tuned));

    const runs = async (db: string) =>
      (await query<{ seed: string; census_path: string }>(db, `SELECT seed::VARCHAR AS seed, census_path FROM planalign_runs`))[0];
    expect(await runs(base)).toEqual({ seed: '42', census_path: resolve(census) });
    expect(await runs(tuned)).toEqual({ seed: '7', census_path: resolve(census) });

    // 8 % a year over two years, against the config's 3 %.
    expect(b.total_workforce_growth).toBeCloseTo((1.08 ** 2 - 1) * 100, 0);
    expect(a.total_workforce_growth).toBeCloseTo((1.03 ** 2 - 1) * 100, 0);
    expect(b.final_workforce_size).toBeGreaterThan(a.final_workforce_size);

    const rates = async (db: string) =>
      (
        await query<{ start: number; experienced: number; hires: number; nh_terms: number }>(
          db,
          `SELECT (SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = 2025)::INTEGER AS start,
                  count(*) FILTER (WHERE detailed_status_code = 'experienced_termination')::INTEGER AS experienced,
                  count(*) FILTER (WHERE detailed_status_code IN ('new_hire_active', 'new_hire_termination'))::INTEGER AS hires,
                  count(*) FILTER (WHERE detailed_status_code = 'new_hire_termination')::INTEGER AS nh_terms
           FROM fct_workforce_snapshot WHERE simulation_year = 2025`,
        )
      )[0] as { start: number; experienced: number; hires: number; nh_terms: number };
    const ra = await rates(base);
    const rb = await rates(tuned);
    expect(ra.experienced / ra.start).toBeCloseTo(0.12, 2);
    expect(rb.experienced / rb.start).toBeCloseTo(0.2, 2);
    expect(ra.nh_terms / ra.hires).toBeCloseTo(0.25, 1);
    expect(rb.nh_terms / rb.hires).toBeCloseTo(0.4, 1);
  });

  it('rejects an unknown or ill-typed keyword argument with a UsageError naming it', async () => {
    const dir = tempDir();
    const config = writeConfigFile(dir, join(dir, 'absent.parquet'));
    const usage = async (kwargs: Record<string, unknown>, message: RegExp, years: [number, number] = [2025, 2026]) => {
      const error = await runMultiYearSimulation(years[0], years[1], config, kwargs).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(ExitCode.UsageError);
      expect((error as Error).message).toMatch(message);
      return error as UsageError;
    };
    const typo = await usage({ random_sed: 7 }, /Unknown keyword argument "random_sed" for run_multi_year_simulation \(did you mean "random_seed"\?\)/);
    expect(typo.hint).toContain(LEGACY_KWARGS.join(', '));
    const far = await usage({ turbo_mode: true }, /Unknown keyword argument "turbo_mode"/);
    expect(far.message).not.toContain('did you mean');
    await usage({ random_seed: '7' }, /random_seed must be a whole number, got "7"/);
    await usage({ target_growth_rate: 'fast' }, /target_growth_rate must be a number/);
    await usage({ threads: 0 }, /threads must be a whole number ≥ 1/);
    await usage({ resume: 'yes' }, /resume must be true or false/);
    await usage({ census_path: '' }, /census_path must be a non-empty path/);
    await usage({ database_path: 'a.duckdb', db_path: 'b.duckdb' }, /name different databases/);
    await usage({ resume: true, force_restart: true }, /cannot be combined/);
    await usage({}, /end_year 2024 is before start_year 2025/, [2025, 2024]);
    await usage({}, /start_year must be a whole year, got 2025.5/, [2025.5, 2026]);
    // Nothing was written anywhere.
    expect(existsSync('a.duckdb')).toBe(false);
  });

  it('honours DATABASE_PATH, the default config path, resume and force_restart', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const fromEnv = join(dir, 'from-env.duckdb');

    const first = await withEnv('DATABASE_PATH', fromEnv, () => runMultiYearSimulation(2025, 2026, config));
    expect(existsSync(fromEnv)).toBe(true);
    expect(first.years_completed).toEqual([2025, 2026]);

    // A database holding years is refused without resume; resume continues the run to 2027.
    const refused = await withEnv('DATABASE_PATH', fromEnv, () => runMultiYearSimulation(2025, 2027, config).catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(DatabaseStateError);
    const resumed = await runMultiYearSimulation(2025, 2027, config, { database_path: fromEnv, resume: true });
    expect(resumed.years_completed).toEqual([2025, 2026, 2027]);
    expect(resumed).toMatchObject(await expectedFromDatabase(fromEnv));
    const restarted = await runMultiYearSimulation(2025, 2027, config, { database_path: fromEnv, force_restart: true });
    expect(restarted).toMatchObject({ ...(await expectedFromDatabase(fromEnv)), years_completed: [2025, 2026, 2027] });
    expect(restarted.final_workforce_size).toBe(resumed.final_workforce_size);

    // An explicit database wins over DATABASE_PATH; the default config is config/simulation_config.yaml.
    const explicit = join(dir, 'explicit.duckdb');
    const other = join(dir, 'other.duckdb');
    const single = await withEnv('DATABASE_PATH', other, () =>
      runMultiYearSimulation(2025, 2025, undefined, { census_path: census, database_path: explicit }),
    );
    expect(single.years_completed).toEqual([2025]);
    expect(existsSync(other)).toBe(false);
    const [run] = await query<{ config_path: string }>(explicit, `SELECT config_path FROM planalign_runs`);
    expect(run?.config_path).toBe(resolve('config/simulation_config.yaml'));
  });

  it('toLegacyResult of an empty progression is all zeros', () => {
    const empty = toLegacyResult(
      { workforceProgression: [], growthAnalysis: { startingActives: 0, endingActives: 0, totalGrowthPct: 0, cagrPct: 0 } } as never,
      1.23456,
    );
    expect(empty).toEqual({ years_completed: [], total_workforce_growth: 0, final_workforce_size: 0, participation_rate: 0, execution_time: 1.235 });
  });

  it('legacyRunCommand: the dict as JSON on stdout, progress on stderr; --dry-run touches nothing; usage errors', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const database = join(dir, 'cli.duckdb');
    const base: LegacyRunOptions = { config, database, census };

    const dry = await captureOutput(() => legacyRunCommand({ ...base, years: '2025-2026', dryRun: true }));
    expect(dry.result).toBe(ExitCode.Success);
    expect(dry.stdout).toContain('Plan: 2 year(s) 2025–2026, seed 42');
    expect(dry.stdout).toContain(`database ${database}`);
    expect(existsSync(database)).toBe(false);
    // Without --database: DATABASE_PATH, else simulation.duckdb.
    const envDry = await withEnv('DATABASE_PATH', join(dir, 'env.duckdb'), () =>
      captureOutput(() => legacyRunCommand({ config, census, startYear: '2026', endYear: '2027', dryRun: true })),
    );
    expect(envDry.stdout).toContain('Plan: 2 year(s) 2026–2027');
    expect(envDry.stdout).toContain(`database ${join(dir, 'env.duckdb')}`);
    const defaultDry = await withEnv('DATABASE_PATH', undefined, () => captureOutput(() => legacyRunCommand({ config, census, dryRun: true })));
    expect(defaultDry.stdout).toContain('Plan: 5 year(s) 2025–2029');
    expect(defaultDry.stdout).toContain('database simulation.duckdb');

    const run = await captureOutput(() =>
      legacyRunCommand({ ...base, startYear: '2025', endYear: '2026', threads: '2', verbose: true, failOnValidationError: true }),
    );
    expect(run.result).toBe(ExitCode.Success);
    const dict = JSON.parse(run.stdout) as LegacyResult;
    expectLegacyShape(dict);
    expect(dict).toMatchObject(await expectedFromDatabase(database));
    expect(run.stderr).toContain('Simulating 2025–2026');
    expect(existsSync(`${database}.log`)).toBe(true);
    expect(JSON.parse(readFileSync(`${database}.status.json`, 'utf8'))).toMatchObject({ state: 'completed', yearsCompleted: [2025, 2026] });

    const resumed = await captureOutput(() => legacyRunCommand({ ...base, years: '2025-2027', resume: true }));
    expect(resumed.result).toBe(ExitCode.Success);
    expect((JSON.parse(resumed.stdout) as LegacyResult).years_completed).toEqual([2025, 2026, 2027]);
    const refused = await captureOutput(() => legacyRunCommand({ ...base, years: '2025-2027' }).catch((e: unknown) => e));
    expect(refused.result).toBeInstanceOf(DatabaseStateError);
    // A refused run never started: the status file still describes the last run that did.
    expect(JSON.parse(readFileSync(`${database}.status.json`, 'utf8'))).toMatchObject({ state: 'completed' });

    const memory = await captureOutput(() => legacyRunCommand({ config, census, database: ':memory:', years: '2025', forceRestart: true }));
    expect(memory.result).toBe(ExitCode.Success);
    expect((JSON.parse(memory.stdout) as LegacyResult).years_completed).toEqual([2025]);

    const usage = async (options: LegacyRunOptions, message: RegExp) => {
      const error = await legacyRunCommand(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    };
    await usage({ ...base, years: '2025-2026', startYear: '2025' }, /--years cannot be combined/);
    await usage({ ...base, startYear: 'soon' }, /--start-year must be a whole number/);
    await usage({ ...base, threads: '0' }, /--threads must be at least 1/);
    await usage({ ...base, years: '2025-20' }, /YYYY or YYYY-YYYY/);
  });

  it('legacyRunCommand in a child process: only the dict on stdout; exit codes through runCommand', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const script = `
      const { runCommand } = await import(${JSON.stringify(resolve('dist/cli/run-command.js'))});
      const { legacyRunCommand } = await import(${JSON.stringify(resolve('dist/cli/commands/legacy.js'))});
      await runCommand(() => legacyRunCommand(JSON.parse(process.argv[1])));
    `;
    const spawnLegacy = (options: Record<string, unknown>, env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(options)], {
        encoding: 'utf8',
        env: cleanEnv(env),
        timeout: 120_000,
      });
    expect(existsSync('dist/cli/commands/legacy.js'), 'run "npm run build" first').toBe(true);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, stringify({ ...defaultConfigObject(), setup: { census_parquet_path: join(dir, 'absent.parquet') } }));
    const missingCensus = spawnLegacy({ config, years: '2025' }, { DATABASE_PATH: join(dir, 'x.duckdb') });
    expect(missingCensus.status).toBe(ExitCode.UsageError);
    expect(missingCensus.stderr).toMatch(/Census file .*not found.*absent\.parquet/);
    const database = join(dir, 'child.duckdb');
    const ok = spawnLegacy({ config, census, years: '2025' }, { DATABASE_PATH: database });
    expect(ok.status, ok.stderr).toBe(ExitCode.Success);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(ok.stdout)).toMatchObject(await expectedFromDatabase(database));
    expect(ok.stderr).toContain('Simulating 2025–2025');
    const refused = spawnLegacy({ config, census, years: '2025' }, { DATABASE_PATH: database });
    expect(refused.status).toBe(ExitCode.UsageError);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('already holds simulated years');
    const badYears = spawnLegacy({ config, years: 'next' });
    expect(badYears.status).toBe(ExitCode.UsageError);
    expect(badYears.stderr).toContain('Years must be YYYY or YYYY-YYYY');
  });

  it('planalign legacy run: the reference flags on the command line', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const database = join(dir, 'legacy.duckdb');

    const dry = runCli(['legacy', 'run', '-c', config, '--years', '2025-2026', '--dry-run'], { env: { DATABASE_PATH: database } });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`database ${database}`);
    expect(existsSync(database)).toBe(false);

    const run = runCli(['legacy', 'run', '-c', config, '--start-year', '2025', '--end-year', '2026', '--threads', '2', '-v'], {
      env: { DATABASE_PATH: database },
    });
    expect(run.status, run.stderr).toBe(0);
    const dict = JSON.parse(run.stdout) as LegacyResult;
    expectLegacyShape(dict);
    expect(dict).toMatchObject(await expectedFromDatabase(database));
    expect(run.stderr).toContain('Simulating 2025–2026');

    const refused = runCli(['legacy', 'run', '--config', config, '--database', database, '--years', '2025-2027']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('already holds simulated years');
    const resumed = runCli(['legacy', 'run', '--config', config, '--database', database, '--years', '2025-2027', '--resume', '--fail-on-validation-error']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as LegacyResult).years_completed).toEqual([2025, 2026, 2027]);
    const restarted = runCli(['legacy', 'run', '--config', config, '--database', database, '--years', '2027', '--force-restart', '--census', census]);
    expect(restarted.status, restarted.stderr).toBe(0);

    expect(runCli(['legacy', 'run', '--config', config, '--years', 'x']).status).toBe(2);
    expect(runCli(['legacy', 'run', '--config', join(dir, 'nope.yaml'), '--database', join(dir, 'n.duckdb')]).status).toBe(2);
  });
});

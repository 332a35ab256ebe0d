import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatabaseStateError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { loadParameterTables, parseCsv, PARAMETER_TABLES } from '../../src/params/tables.js';
import { defaultConfigObject, makeCensus, query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const SEEDS = 'data/seeds';
const tempDir = useTempDir();

/** A folder holding `files` (name → text). */
function tablesFolder(files: Record<string, string>): string {
  const dir = join(tempDir(), 'tables');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The bundled table with `from` replaced by `to` (which must occur once). */
function edited(file: string, from: string, to: string): string {
  const text = readFileSync(join(SEEDS, file), 'utf8');
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

function configWith(tablesDir: string | undefined): Record<string, any> {
  const config = defaultConfigObject();
  if (tablesDir !== undefined) config.setup.parameter_tables_dir = tablesDir;
  return config;
}

function builder(census: string, database: string, tablesDir?: string): OrchestratorBuilder {
  return new OrchestratorBuilder().withConfig(configWith(tablesDir)).withEnvironment({}).withCensus(census).withDatabase(database);
}

function refusal(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the bundled parameter tables', () => {
  it('pass their own checks, and every column and file of data/seeds/ is declared read, unread or not read', () => {
    const tables = loadParameterTables();
    expect(Object.values(tables.tables).every((t) => t.source === 'bundled')).toBe(true);
    expect(tables.notices).toEqual([]);
    for (const [file, spec] of Object.entries(PARAMETER_TABLES)) {
      const parsed = parseCsv(readFileSync(join(SEEDS, file), 'utf8'));
      if ('error' in parsed) throw new Error(parsed.error);
      expect(parsed.rows[0]?.slice().sort(), file).toEqual([...Object.keys(spec.read), ...spec.unread].sort());
    }
    // A seed file that is neither a table nor declared not read would be refused in an override folder.
    const dir = tablesFolder({});
    for (const file of readdirSync(SEEDS).filter((f) => f.endsWith('.csv'))) copyFileSync(join(SEEDS, file), join(dir, file));
    const error = refusal(() => loadParameterTables(dir));
    const notRead = error.issues.filter((i) => i.includes('not read by PlanAlign'));
    expect(notRead).toHaveLength(readdirSync(SEEDS).filter((f) => f.endsWith('.csv')).length - Object.keys(PARAMETER_TABLES).length);
    expect(error.issues.filter((i) => !i.includes('not read by PlanAlign'))).toEqual([]);
  });

  it('hash by content: a copy of a bundled table in the folder gives the same hash as the bundled one', () => {
    const dir = tablesFolder({ 'irs_limits.csv': readFileSync(join(SEEDS, 'irs_limits.csv'), 'utf8') });
    const override = loadParameterTables(dir);
    expect(override.tables['irs_limits.csv']?.source).toBe('override');
    expect(override.hash).toBe(loadParameterTables().hash);
    const changed = loadParameterTables(tablesFolder({ 'irs_limits.csv': edited('irs_limits.csv', '2026,24500', '2026,24000') }));
    expect(changed.hash).not.toBe(override.hash);
    expect(Object.entries(changed.fingerprint).filter(([f, h]) => override.fingerprint[f] !== h).map(([f]) => f)).toEqual(['irs_limits.csv']);
  });
});

describe('an invalid parameter table is refused with its file, row, column and what is allowed', () => {
  it('a value out of range or not a number', () => {
    const dir = tablesFolder({
      'irs_limits.csv': edited('irs_limits.csv', '2024,23000,7500,50,,,,345000', '2024,23000,7500,50,,,,lots'),
      'config_promotion_hazard_base.csv': 'base_rate,level_dampener_factor\n1.5,0.15\n',
    });
    const error = refusal(() => loadParameterTables(dir));
    expect(error.exitCode).toBe(2);
    expect(error.context.configKey).toBe('setup.parameter_tables_dir');
    expect(error.issues).toEqual([
      `${join(dir, 'config_promotion_hazard_base.csv')}, row 1, column base_rate: "1.5" is not allowed; allowed: a number from 0 to 1`,
      `${join(dir, 'irs_limits.csv')}, row 2, column compensation_limit: "lots" is not allowed; allowed: a number ≥ 0`,
    ]);
  });

  it('a whole number written with a decimal point or an exponent (the checks across rows compare the text)', () => {
    const dir = tablesFolder({
      'config_job_levels.csv': edited('config_job_levels.csv', 'Executive leadership roles,[\'Executive\'],5,', 'Executive leadership roles,[\'Executive\'],5.0,'),
    });
    expect(refusal(() => loadParameterTables(dir)).issues).toEqual([
      `${join(dir, 'config_job_levels.csv')}, row 5, column level_id: "5.0" is not allowed; allowed: a whole number from 1 to 100`,
    ]);
  });

  // A band without a multiplier is refused when compiled, against the run's bands (test/plan-design/bands-and-promotion-hazard.test.ts).
  it('a misspelt column, a job level without its comp levers', () => {
    const dir = tablesFolder({
      'config_promotion_hazard_tenure_multipliers.csv': 'tenure_band,multipler\n< 2,0.5\n',
      'config_job_levels.csv': 'level_id,name,min_compensation,max_compensation\n1,Staff,56000,80000\n6,Chief,500000,900000\n',
    });
    const issues = refusal(() => loadParameterTables(dir)).issues;
    expect(issues).toContain(
      `${join(dir, 'config_promotion_hazard_tenure_multipliers.csv')}, column multipler: unknown column (did you mean multiplier?); the columns are tenure_band, multiplier`,
    );
    expect(issues).toContain(`${join(dir, 'config_promotion_hazard_tenure_multipliers.csv')}: missing column multiplier`);
    expect(issues).toContain(
      `${loadParameterTables().path('comp_levers.csv')}: scenario default, fiscal year 2025 has no RAISE/merit_base for job level 6 (a level of config_job_levels.csv)`,
    );
  });

  it('comp_levers: a misspelt parameter gets a "did you mean"; what no model reads is accepted and listed', () => {
    const copy = tablesFolder({ 'comp_levers.csv': readFileSync(join(SEEDS, 'comp_levers.csv'), 'utf8') });
    expect(loadParameterTables(copy).notices).toEqual([
      `${join(copy, 'comp_levers.csv')}: columns is_locked, created_at, created_by; parameters RAISE/cola_rate, PROMOTION/promotion_probability, ` +
        'PROMOTION/promotion_raise, DEFERRAL_ESCALATION/escalation_rate, DEFERRAL_ESCALATION/max_escalation_rate, ' +
        'DEFERRAL_ESCALATION/tenure_threshold, DEFERRAL_ESCALATION/age_threshold, DEFERRAL_ESCALATION/max_escalations, ' +
        'HIRE/new_hire_salary_adjustment are not read by PlanAlign',
    ]);
    const dir = tablesFolder({ 'comp_levers.csv': edited('comp_levers.csv', 'default,2025,1,RAISE,merit_base', 'default,2025,1,RAISE,merit_bse') });
    const issues = refusal(() => loadParameterTables(dir)).issues;
    expect(issues[0]).toBe(
      `${join(dir, 'comp_levers.csv')}, row 1, column parameter_name: unknown parameter RAISE/merit_bse (did you mean RAISE/merit_base?); ` +
        'read are RAISE/merit_base, HIRE/compensation_percentile, HIRE/market_adjustment_multiplier',
    );
    expect(issues).toContain(`${join(dir, 'comp_levers.csv')}: scenario default, fiscal year 2025 has no RAISE/merit_base for job level 1 (a level of config_job_levels.csv)`);
  });

  it('a file that is not a parameter table: a typo gets a "did you mean", a reference seed we do not read says why', () => {
    const dir = tablesFolder({
      'irs_limit.csv': readFileSync(join(SEEDS, 'irs_limits.csv'), 'utf8'),
      'config_termination_hazard_base.csv': readFileSync(join(SEEDS, 'config_termination_hazard_base.csv'), 'utf8'),
      '.DS_Store': '',
    });
    expect(refusal(() => loadParameterTables(dir)).issues).toEqual([
      `${join(dir, 'config_termination_hazard_base.csv')}: not read by PlanAlign (terminations follow workforce.total_termination_rate and new_hire_termination_rate); remove it`,
      `${join(dir, 'irs_limit.csv')}: not a parameter table (did you mean irs_limits.csv?); the folder holds only tables named ${Object.keys(PARAMETER_TABLES).join(', ')}`,
    ]);
  });

  it('a run with a bad table writes nothing: the database is not even created', async () => {
    const dir = tempDir();
    const tables = tablesFolder({ 'config_job_levels.csv': 'level_id,name,min_compensation,max_compensation\n1,Staff,80000,56000\n' });
    const database = join(dir, 'bad.duckdb');
    expect(() => builder(join(dir, 'none.parquet'), database, tables).resolveConfig()).toThrow(
      /config_job_levels\.csv, row 1, column max_compensation: 56000 must be greater than min_compensation \(80000\)/,
    );
    expect(existsSync(database)).toBe(false);
  });

  it('setup.parameter_tables_dir that does not exist says where it looked', () => {
    const dir = tempDir();
    expect(() => builder(join(dir, 'c.parquet'), join(dir, 'x.duckdb'), 'no-such-tables').resolveConfig()).toThrow(
      /Parameter tables folder no-such-tables not found \(looked in /,
    );
  });
});

describe('parameter tables as run inputs', () => {
  let censusDir: string;
  let census: string;
  beforeAll(async () => {
    censusDir = mkdtempSync(join(tmpdir(), 'planalign-tables-'));
    census = await makeCensus(censusDir, 400, 21);
  });
  afterAll(() => rmSync(censusDir, { recursive: true, force: true }));

  it('an edited table changes the simulation, and the run records which tables it used', async () => {
    const dir = tempDir();
    const promotions = async (name: string, tablesDir?: string) => {
      const database = join(dir, `${name}.duckdb`);
      const orchestrator = await builder(census, database, tablesDir).withYears(2025, 2026).build();
      await orchestrator.executeMultiYearSimulation();
      orchestrator.close();
      const [events] = await query<{ n: number }>(database, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE event_type = 'promotion'`);
      const [run] = await query<{ parameters_hash: string; parameter_tables: string }>(database, `SELECT parameters_hash, parameter_tables FROM planalign_runs`);
      const checkpoints = await query<{ parameters_hash: string }>(database, `SELECT DISTINCT parameters_hash FROM planalign_checkpoints`);
      return { promotions: events?.n ?? 0, run: run!, checkpoints: checkpoints.map((c) => c.parameters_hash) };
    };
    const bundled = await promotions('bundled');
    // Five times the promotion base rate (the fixture the dead-key guard uses too).
    const tables = resolve('test/fixtures/parameter-tables/promotion-base-x5');
    const override = await promotions('override', tables);
    expect(bundled.promotions).toBeGreaterThan(0);
    expect(override.promotions).toBeGreaterThan(bundled.promotions * 3);
    expect(bundled.run.parameters_hash).toBe(loadParameterTables().hash);
    expect(override.run.parameters_hash).toBe(loadParameterTables(tables).hash);
    expect(override.checkpoints).toEqual([override.run.parameters_hash]);
    const fingerprint = JSON.parse(override.run.parameter_tables) as Record<string, string>;
    expect(Object.keys(fingerprint).sort()).toEqual(Object.keys(PARAMETER_TABLES).sort());
    expect(fingerprint['config_promotion_hazard_base.csv']).toBe(loadParameterTables(tables).tables['config_promotion_hazard_base.csv']?.sha256);
  });

  it('--resume refuses after a table was edited and names it; unedited, it resumes', async () => {
    const dir = tempDir();
    const database = join(dir, 'resume.duckdb');
    const tables = tablesFolder({ 'comp_levers.csv': readFileSync(join(SEEDS, 'comp_levers.csv'), 'utf8') });
    const first = await builder(census, database, tables).withYears(2025, 2025).build();
    await first.executeMultiYearSimulation();
    first.close();

    writeFileSync(join(tables, 'comp_levers.csv'), edited('comp_levers.csv', 'default,2026,1,RAISE,merit_base,0.035', 'default,2026,1,RAISE,merit_base,0.045'));
    const changed = await builder(census, database, tables).withYears(2025, 2026).build();
    const error = await changed.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    changed.close();
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(/the parameter tables changed: comp_levers\.csv$/);
    expect((error as Error).message).not.toMatch(/config changed/);

    writeFileSync(join(tables, 'comp_levers.csv'), readFileSync(join(SEEDS, 'comp_levers.csv'), 'utf8'));
    const resumed = await builder(census, database, tables).withYears(2025, 2026).build();
    const result = await resumed.executeMultiYearSimulation({ resume: true });
    resumed.close();
    expect(result.resumedFrom).toBe(2026);
    // Extending the run changed only simulation.end_year: the years are one config, not mixed.
    expect(result.inputs.config).toEqual([{ hash: result.configHash, years: [2025, 2026] }]);
    expect(result.inputs.parameters).toEqual([{ hash: loadParameterTables(tables).hash, years: [2025, 2026] }]);
  });
});

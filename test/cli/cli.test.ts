import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Database } from '../../src/db/database.js';
import { ExitCode } from '../../src/errors.js';
import { holdDatabase, runCli } from '../support/cli.js';
import { makeCensus, query, writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';
const GOOD_ROWS = [
  'E1,SSN-1,1980-03-01,2015-06-01,,85000,0.06',
  'E2,SSN-2,1990-07-15,2019-01-10,,62000,0',
  'E3,SSN-3,1975-11-30,2008-09-01,,150000,0.1',
];

function writeCsv(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  return path;
}


async function tablesOf(database: string): Promise<string[]> {
  const db = await Database.open(database);
  try {
    const rows = await db.all<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  } finally {
    db.close();
  }
}

/** A database holding only a marker table: a rejected run must leave it exactly so. */
async function markerDatabase(dir: string): Promise<string> {
  const path = join(dir, 'existing.duckdb');
  const db = await Database.open(path);
  await db.run(`CREATE TABLE user_notes AS SELECT 1 AS note`);
  db.close();
  return path;
}

describe('planalign simulate rejects a bad census with exit 2 and leaves the database untouched', () => {
  const tempDir = useTempDir();
  const cases: Array<{ name: string; lines: string[]; expect: RegExp[] }> = [
    {
      name: 'missing required column',
      lines: ['employee_id,employee_birth_date,employee_hire_date', 'E1,1980-01-01,2010-01-01'],
      expect: [/employee_gross_compensation/, /missing/i],
    },
    {
      name: 'unparseable date',
      lines: [HEADER, GOOD_ROWS[0]!, 'E2,SSN-2,13/45/1990,2019-01-10,,62000,0'],
      expect: [/line 3/, /employee_birth_date/, /13\/45\/1990/],
    },
    {
      name: 'non-numeric salary',
      lines: [HEADER, GOOD_ROWS[0]!, GOOD_ROWS[1]!, 'E3,SSN-3,1975-11-30,2008-09-01,,lots,0.1'],
      expect: [/line 4/, /employee_gross_compensation/, /lots/],
    },
    {
      name: 'negative salary',
      lines: [HEADER, 'E1,SSN-1,1980-03-01,2015-06-01,,-5,0.06'],
      expect: [/line 2/, /employee_gross_compensation/, /-5/],
    },
    { name: 'empty file', lines: [], expect: [/empty/i] },
    { name: 'header only', lines: [HEADER], expect: [/no data rows|empty/i] },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const dir = tempDir();
      const census = writeCsv(dir, 'census.csv', testCase.lines);
      const fresh = join(dir, 'fresh.duckdb');
      const result = runCli(['simulate', '2025-2026', '--census', census, '--database', fresh]);
      expect(result.status, result.stderr).toBe(ExitCode.UsageError);
      expect(result.stderr).toContain(census);
      for (const pattern of testCase.expect) expect(result.stderr).toMatch(pattern);
      expect(existsSync(fresh)).toBe(false);

      const existing = await markerDatabase(dir);
      const again = runCli(['simulate', '2025-2026', '--census', census, '--database', existing]);
      expect(again.status).toBe(ExitCode.UsageError);
      expect(await tablesOf(existing)).toEqual(['user_notes']);
    });
  }
});

describe('planalign simulate rejects a bad config with exit 2 and touches nothing', () => {
  const tempDir = useTempDir();
  const cases: Array<{ name: string; mutate: (c: Record<string, any>) => void; expect: RegExp[] }> = [
    { name: 'termination rate above 1', mutate: (c) => (c.workforce.total_termination_rate = 1.5), expect: [/workforce\.total_termination_rate/] },
    { name: 'new-hire termination rate 0.99', mutate: (c) => (c.workforce.new_hire_termination_rate = 0.99), expect: [/workforce\.new_hire_termination_rate/] },
    { name: 'growth of -100 %', mutate: (c) => (c.simulation.target_growth_rate = -1), expect: [/simulation\.target_growth_rate/] },
    { name: 'end year before start year', mutate: (c) => (c.simulation.end_year = 2020), expect: [/end_year/] },
    { name: 'more than 50 years', mutate: (c) => (c.simulation.end_year = 2080), expect: [/50/] },
    {
      name: 'unknown key with a suggestion',
      mutate: (c) => (c.simulation.target_grwth_rate = 0.05),
      expect: [/simulation\.target_grwth_rate/, /did you mean.*target_growth_rate/i],
    },
    { name: 'negative match rate', mutate: (c) => (c.employer_match.formulas.simple_match.match_rate = -0.5), expect: [/employer_match\.formulas\.simple_match\.match_rate/] },
    { name: 'impossible date', mutate: (c) => (c.enrollment.auto_enrollment.hire_date_cutoff = '2020-02-30'), expect: [/hire_date_cutoff/] },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const dir = tempDir();
      const config = writeConfigFile(dir, undefined, testCase.mutate);
      const database = join(dir, 'sim.duckdb');
      const result = runCli(['simulate', '--config', config, '--database', database]);
      expect(result.status, result.stderr).toBe(ExitCode.UsageError);
      expect(result.stderr).toContain(config);
      for (const pattern of testCase.expect) expect(result.stderr).toMatch(pattern);
      expect(existsSync(database)).toBe(false);
    });
  }

  it('--allow-unknown-keys turns an unknown key into a warning', () => {
    const dir = tempDir();
    const config = writeConfigFile(dir, undefined, (c) => (c.simulation.target_grwth_rate = 0.05));
    const result = runCli(['validate', '--config', config, '--allow-unknown-keys']);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stdout).toMatch(/target_grwth_rate/);
  });

  it('an environment override is applied and can be wrong', () => {
    const dir = tempDir();
    const database = join(dir, 'sim.duckdb');
    const bad = runCli(['simulate', '--database', database], { env: { PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE: '2' } });
    expect(bad.status).toBe(ExitCode.UsageError);
    expect(bad.stderr).toMatch(/workforce\.total_termination_rate/);
    expect(existsSync(database)).toBe(false);
  });
});

describe('planalign validate', () => {
  it('loads the reference engine\'s shipped config unchanged and lists what it ignores', () => {
    const result = runCli(['validate', '--config', 'test/fixtures/reference_simulation_config.yaml']);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stdout).toMatch(/Configuration is valid/);
    expect(result.stdout).toMatch(/optimization/);
    expect(result.stdout).toMatch(/corporate_network/);
  });

  it('prints a missing file as a usage error', () => {
    const result = runCli(['validate', '--config', 'no/such/config.yaml']);
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toMatch(/no\/such\/config\.yaml/);
  });
});

describe('planalign simulate end to end', () => {
  const tempDir = useTempDir();
  let census: string;
  let shared: string;

  beforeAll(async () => {
    shared = mkdtempSync(join(tmpdir(), 'planalign-cli-'));
    census = await makeCensus(shared, 400, 9);
  });

  afterEach(() => undefined);

  it('--dry-run prints the plan and touches nothing; --json gives the executor\'s plan object', () => {
    const dir = tempDir();
    const database = join(dir, 'sim.duckdb');
    const text = runCli(['simulate', '2025-2027', '--census', census, '--database', database, '--dry-run']);
    expect(text.status, text.stderr).toBe(ExitCode.Success);
    expect(text.stdout).toMatch(/Year 2027/);
    expect(text.stdout).toMatch(/EVENT_GENERATION\s+int_hiring_events, int_random_draws, int_termination_events/);
    const json = runCli(['simulate', '2025-2027', '--census', census, '--database', database, '--dry-run', '--json']);
    const plan = JSON.parse(json.stdout) as { years: Array<{ year: number; stages: Array<{ stage: string; models: string[] }> }> };
    expect(plan.years.map((y) => y.year)).toEqual([2025, 2026, 2027]);
    expect(plan.years[0]!.stages.map((s) => s.stage)).toEqual([
      'INITIALIZATION', 'FOUNDATION', 'EVENT_GENERATION', 'STATE_ACCUMULATION', 'VALIDATION', 'REPORTING', 'CLEANUP',
    ]);
    expect(existsSync(database)).toBe(false);
  });

  it('runs, prints progress and a summary per year, then refuses to run into the same database again', async () => {
    const dir = tempDir();
    const database = join(dir, 'sim.duckdb');
    // --growth 3% sets what the config says already: not an override, so shown without a source.
    const result = runCli(['simulate', '2025-2026', '--census', census, '--database', database, '--seed', '5', '--growth', '3%'], {
      env: { PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE: '0.15', PLANALIGN_SIMULATION__RANDOM_SEED: '8' },
    });
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stderr).toMatch(/2025\s+event_generation done/);
    const out = result.stdout;
    // The effective inputs, each override with its source and what the config file says.
    expect(out).toContain('\nInputs\n  years            2025–2026 (2 years) (from the YEARS argument 2025-2026; config says 2025–2029 (5 years))\n');
    expect(out).toContain('\n  seed             5 (from --seed, over environment variable PLANALIGN_SIMULATION__RANDOM_SEED; config says 42)\n');
    expect(out).toContain('\n  target growth    3% a year\n');
    expect(out).toContain(
      '\n  terminations     experienced 15%, new hires 25% (from environment variable PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE; config says experienced 12%, new hires 25%)\n',
    );
    expect(out).toContain('\n  raises           merit budget 2%, COLA 1%\n');
    expect(out).toContain('\n  auto-enrollment  on, default deferral 2%, hired on or after 2020-01-01\n');
    expect(out).toContain('\n  employer match   simple_match (simple): 50% of the first 6%; at most 3% of pay\n');
    expect(out).toContain('\n  employer core    1% of pay\n');
    expect(out).toContain(`\n  census           ${census} (from --census; config says examples/census_5000.parquet)\n`);
    // How the census was read, under it.
    expect(out).toMatch(/\n {2}census read {6}.*decimal point \(default\).*\n/);
    // Units on every figure: counts with separators, growth and rates with %, money with $.
    expect(out).toMatch(/\nYear\s+Start\s+Active headcount\s+Hires\s+Exp\. terms\s+NH terms\s+Growth\s+Promotions\s+Raises\n/);
    expect(out).toMatch(/\n2026\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+[+-]\d+\.\d\d %\s+[\d,]+\s+[\d,]+\n/);
    expect(out).toMatch(/\n2026\s+\$\d{1,3}(,\d{3})+\s+\$\d{1,3}(,\d{3})+\s+\d+\.\d %\s+\d+\.\d %\n/);
    expect(out).toMatch(/\nYear\s+Employee contributions\s+Employer match\s+Employer core\s+Total employer plan cost\s+Net employer plan cost\n[-\s]+\n2025(\s+\$[\d,]+){5}\n/);
    expect(out).toMatch(/growth [+-]\d+\.\d\d % over the run, CAGR [+-]\d+\.\d\d %/);
    // Where to go next, with this database.
    expect(out).toContain(`\n  planalign analyze workforce --database ${database} `);
    expect(out).toContain(`\n  planalign export --database ${database} --out exports `);
    expect(out).toContain('--report DIR');
    const [run] = await query<{ seed: string; status: string }>(database, `SELECT seed::VARCHAR AS seed, status FROM planalign_runs`);
    expect(run).toEqual({ seed: '5', status: 'completed' });

    const again = runCli(['simulate', '2025-2026', '--census', census, '--database', database]);
    expect(again.status).toBe(ExitCode.UsageError);
    expect(again.stderr).toMatch(/already holds simulated years \(2025, 2026\)/);
    expect(again.stderr).toMatch(/--resume/);
  });

  it('--quiet prints the tables and the run, without the inputs or the next steps', () => {
    const result = runCli(['simulate', '2025', '--census', census, '--database', ':memory:', '--quiet']);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stderr).not.toMatch(/event_generation done/);
    expect(result.stdout).toMatch(/\nYear\s+Start\s+Active headcount/);
    expect(result.stdout).toContain('Run run-');
    expect(result.stdout).not.toContain('Inputs');
    expect(result.stdout).not.toContain('Next');
  });

  it('refuses a database written by the Python engine and points at the migration', async () => {
    const dir = tempDir();
    const database = join(dir, 'python.duckdb');
    const db = await Database.open(database);
    await db.run(`CREATE TABLE fct_yearly_events (employee_id VARCHAR, simulation_year INTEGER)`);
    db.close();
    const result = runCli(['simulate', '2025', '--census', census, '--database', database]);
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toMatch(/not written by PlanAlign/);
    expect(result.stderr).toMatch(/planalign migrate database/);
    expect(await tablesOf(database)).toEqual(['fct_yearly_events']);
  });

  it('says which process holds a database that is in use', async () => {
    const dir = tempDir();
    const database = join(dir, 'busy.duckdb');
    const holder = await holdDatabase(database);
    try {
      const result = runCli(['simulate', '2025', '--census', census, '--database', database]);
      expect(result.status).toBe(ExitCode.RunFailure);
      expect(result.stderr).toContain(`in use by PID ${holder.pid}`);
    } finally {
      holder.release();
    }
  });

  it('rejects malformed years and unknown options as usage errors', () => {
    expect(runCli(['simulate', '20x5']).status).toBe(ExitCode.UsageError);
    expect(runCli(['simulate', '--no-such-option']).status).toBe(ExitCode.UsageError);
    expect(runCli(['simulate', '2025', '--seed', 'abc', '--dry-run']).status).toBe(ExitCode.UsageError);
    const memory = runCli(['simulate', '2025', '--memory-limit', 'lots', '--dry-run']);
    expect(memory.status).toBe(ExitCode.UsageError);
    expect(memory.stderr).toMatch(/--memory-limit must be a size such as 512MB/);
    const help = runCli(['--help']);
    expect(help.status).toBe(ExitCode.Success);
    expect(help.stdout).toMatch(/simulate/);
  });
});

describe('planalign census', () => {
  const tempDir = useTempDir();

  it('generates a census that its own check accepts, byte-identical for the same seed', () => {
    const dir = tempDir();
    const a = join(dir, 'a.parquet');
    const b = join(dir, 'b.parquet');
    expect(runCli(['census', 'generate', '--employees', '300', '--seed', '4', '--out', a]).status).toBe(0);
    expect(runCli(['census', 'generate', '--employees', '300', '--seed', '4', '--out', b]).status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const check = runCli(['census', 'check', a]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/rows 300/);
    // A plain census: the hash a run records is the file's sha256, printed once.
    expect(check.stdout).toMatch(/\n {2}census hash [0-9a-f]{64}\n/);
    expect(check.stdout).not.toContain('file sha256');
    expect(check.stdout).toContain('  read as: dates need no day/month order (ISO, or day and month equal), decimal point (default), rate unit:');
  });

  it('check reports a bad file with exit 2', () => {
    const dir = tempDir();
    const bad = writeCsv(dir, 'bad.csv', [HEADER, 'E1,SSN-1,1980-03-01,2015-06-01,,abc,0.06']);
    const result = runCli(['census', 'check', bad]);
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toMatch(/employee_gross_compensation/);
  });

  it('check --config reads the census as that config would: its deferral-rate column and first year', () => {
    const dir = tempDir();
    const census = writeCsv(dir, 'census.csv', [
      'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,deferral_pct',
      'E1,SSN-1,1980-03-01,2015-06-01,,70000,6',
      'E2,SSN-2,1985-03-01,2026-02-01,,70000,4',
    ]);
    const config = writeConfigFile(dir, undefined, (c) => {
      c.deferral_rates = { ...c.deferral_rates, census_rate_field: 'deferral_pct' };
    });
    expect(runCli(['census', 'check', census]).status).toBe(0);
    const result = runCli(['census', 'check', census, '-c', config]);
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toContain(`${census} line 3, column employee_hire_date: hire date "2026-02-01" is after the first simulated year`);
    const later = writeConfigFile(dir, undefined, (c) => {
      c.deferral_rates = { ...c.deferral_rates, census_rate_field: 'deferral_pct' };
      c.simulation.start_year = 2026;
    });
    const ok = runCli(['census', 'check', census, '-c', later]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/rows 2: 2 active/);
  });
});

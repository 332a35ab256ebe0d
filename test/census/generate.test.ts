import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { censusRows, generateCensusRows, loadCensus, writeCensus } from '../../src/census/index.js';
import { UsageError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';
import { withDb } from './helpers.js';

const tempDir = useTempDir();

type Stats = {
  rows: number;
  active: number;
  terminated: number;
  participants: number;
  mean_rate: number;
  median_rate: number;
  ge10: number;
  min_rate: number;
  max_rate: number;
  mean_age: number;
  min_age: number;
  max_age: number;
  min_tenure_age: number;
  hire_before_window: number;
  hire_after_as_of: number;
  term_outside: number;
  distinct_ssn: number;
};

describe('generated census', () => {
  it('writes 5,000 rows that pass our own validation with the reference statistics', async () => {
    const dir = tempDir();
    const out = join(dir, 'census.parquet');
    expect(await writeCensus({ employees: 5000, seed: 42, out })).toEqual({ rows: 5000, path: out });

    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, out);
      // Nothing to warn about but the past employees it holds (no outliers, odd ages or odd rates).
      expect(result).toMatchObject({ format: 'parquet', rows: 5000, duplicatesDropped: 0 });
      expect(result.warnings).toEqual([
        `${result.terminatedRows} rows have a termination date: past employees, skipped (the starting workforce is the ${result.activeRows.toLocaleString('en-US')} others)`,
      ]);
      expect(result.activeRows + result.terminatedRows).toBe(5000);

      const s = (await db.one<Stats>(
        `SELECT count(*)::INTEGER AS rows,
                count(*) FILTER (WHERE employee_termination_date IS NULL)::INTEGER AS active,
                count(*) FILTER (WHERE employee_termination_date IS NOT NULL)::INTEGER AS terminated,
                count(*) FILTER (WHERE employee_termination_date IS NULL AND employee_deferral_rate > 0)::INTEGER AS participants,
                avg(employee_deferral_rate::DOUBLE) FILTER (WHERE employee_deferral_rate > 0) AS mean_rate,
                median(employee_deferral_rate::DOUBLE) FILTER (WHERE employee_deferral_rate > 0) AS median_rate,
                avg(CASE WHEN employee_deferral_rate >= 0.10 THEN 1 ELSE 0 END) FILTER (WHERE employee_deferral_rate > 0) AS ge10,
                min(employee_deferral_rate::DOUBLE) FILTER (WHERE employee_deferral_rate > 0) AS min_rate,
                max(employee_deferral_rate::DOUBLE) AS max_rate,
                avg(date_diff('year', employee_birth_date, DATE '2024-12-31')) AS mean_age,
                min(date_diff('year', employee_birth_date, DATE '2024-12-31'))::INTEGER AS min_age,
                max(date_diff('year', employee_birth_date, DATE '2024-12-31'))::INTEGER AS max_age,
                min(date_diff('year', employee_birth_date, employee_hire_date))::INTEGER AS min_tenure_age,
                count(*) FILTER (WHERE employee_hire_date <= DATE '2004-12-31')::INTEGER AS hire_before_window,
                count(*) FILTER (WHERE employee_hire_date > DATE '2024-12-31')::INTEGER AS hire_after_as_of,
                count(*) FILTER (WHERE employee_termination_date < employee_hire_date
                                    OR employee_termination_date > DATE '2024-12-31')::INTEGER AS term_outside,
                count(DISTINCT employee_ssn)::INTEGER AS distinct_ssn
           FROM stg_census_data`,
      )) as Stats;
      expect(s.rows).toBe(5000);
      expect(s.terminated / s.rows).toBeGreaterThanOrEqual(0.08);
      expect(s.terminated / s.rows).toBeLessThanOrEqual(0.12);
      expect(s.participants / s.active).toBeGreaterThanOrEqual(0.82);
      expect(s.participants / s.active).toBeLessThanOrEqual(0.88);
      expect(s.median_rate).toBeCloseTo(0.06, 5);
      expect(s.mean_rate).toBeGreaterThan(0.072);
      expect(s.mean_rate).toBeLessThan(0.082);
      expect(s.ge10).toBeGreaterThan(0.25);
      expect(s.ge10).toBeLessThan(0.33);
      expect(s.min_rate).toBeGreaterThanOrEqual(0.01);
      expect(s.max_rate).toBeLessThanOrEqual(0.2);
      expect(s.min_age).toBeGreaterThanOrEqual(22);
      expect(s.max_age).toBeLessThanOrEqual(65);
      expect(s.mean_age).toBeGreaterThan(38);
      expect(s.mean_age).toBeLessThan(42);
      expect(s.min_tenure_age).toBeGreaterThanOrEqual(18);
      expect(s.hire_before_window).toBe(0);
      expect(s.hire_after_as_of).toBe(0);
      expect(s.term_outside).toBe(0);
      expect(s.distinct_ssn).toBe(5000);

      // Level by pay band, the reference way: the smallest level with min <= pay < max, else level 1.
      const levels = await db.all<{ level: number; n: number }>(
        `WITH bands(level_id, lo, hi) AS (VALUES (1, 56000, 80000), (2, 81000, 120000), (3, 121000, 160000),
                                                   (4, 161000, 300000), (5, 275000, 500000))
         SELECT coalesce((SELECT min(level_id) FROM bands WHERE lo <= c.employee_gross_compensation
                                                            AND c.employee_gross_compensation < hi), 1)::INTEGER AS level,
                count(*)::INTEGER AS n
           FROM stg_census_data c WHERE employee_termination_date IS NULL GROUP BY 1 ORDER BY 1`,
      );
      expect(levels.map((l) => l.level)).toEqual([1, 2, 3, 4, 5]);
      const share = (level: number): number => (levels.find((l) => l.level === level)?.n ?? 0) / s.active;
      // Reference mix 50.9 / 24.1 / 12.6 / 11.0 / 1.3 %.
      expect(share(1)).toBeGreaterThan(0.46);
      expect(share(1)).toBeLessThan(0.56);
      expect(share(2)).toBeGreaterThan(0.2);
      expect(share(2)).toBeLessThan(0.28);
      expect(share(3)).toBeGreaterThan(0.1);
      expect(share(4)).toBeGreaterThan(0.08);
      expect(share(5)).toBeGreaterThan(0.005);
      expect(share(5)).toBeLessThan(0.025);
    });
  });

  it('is deterministic: same seed → identical bytes, another seed → different', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.parquet');
    const b = join(dir, 'b.parquet');
    const c = join(dir, 'c.parquet');
    await writeCensus({ employees: 2000, seed: 42, out: a });
    await writeCensus({ employees: 2000, seed: 42, out: b });
    await writeCensus({ employees: 2000, seed: 43, out: c });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);

    const csv1 = join(dir, 'a.csv');
    const csv2 = join(dir, 'b.csv');
    await writeCensus({ employees: 2000, seed: 42, out: csv1 });
    await writeCensus({ employees: 2000, seed: 42, out: csv2 });
    expect(readFileSync(csv1, 'utf8')).toBe(readFileSync(csv2, 'utf8'));
  });

  it('writes a CSV with the same content as the Parquet, which loads too', async () => {
    const dir = tempDir();
    const parquet = join(dir, 'c.parquet');
    const csv = join(dir, 'sub', 'c.csv');
    await writeCensus({ employees: 300, seed: 9, out: parquet });
    await writeCensus({ employees: 300, seed: 9, out: csv });
    const text = readFileSync(csv, 'utf8').split('\n');
    expect(text[0]).toBe(
      'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,active',
    );
    expect(text).toHaveLength(302); // header + 300 rows + trailing newline
    const load = async (path: string): Promise<unknown[]> =>
      withDb(join(dir, `${path.endsWith('.csv') ? 'csv' : 'pq'}.duckdb`), async (db) => {
        const result = await loadCensus(db, path);
        expect(result.warnings).toEqual([expect.stringMatching(/^\d+ rows have a termination date: past employees, skipped/)]);
        return db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
      });
    expect(await load(csv)).toEqual(await load(parquet));
  });

  it('produces ids, SSNs and value shapes per the contract', () => {
    const rows = generateCensusRows({ employees: 1000, seed: 1 });
    expect(rows).toHaveLength(1000);
    expect(rows[0]?.employee_id).toBe('EMP_000001');
    expect(rows[999]?.employee_id).toBe('EMP_001000');
    for (const row of rows) {
      expect(row.employee_ssn).toMatch(/^SSN-\d{9}$/);
      expect(row.employee_birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.active).toBe(row.employee_termination_date === null);
      expect(Number.isInteger(row.employee_gross_compensation)).toBe(true);
      expect(row.employee_deferral_rate === 0 || (row.employee_deferral_rate >= 0.01 && row.employee_deferral_rate <= 0.2)).toBe(true);
    }
    expect(new Set(rows.map((r) => r.employee_ssn)).size).toBe(1000);
  });

  it('draws each row from its own stream: a smaller census is a prefix of a larger one', () => {
    const small = generateCensusRows({ employees: 50, seed: 5 });
    const large = generateCensusRows({ employees: 5000, seed: 5 });
    expect(large.slice(0, 50).map((r) => ({ ...r, employee_id: r.employee_id.replace(/^EMP_0*/, '') }))).toEqual(
      small.map((r) => ({ ...r, employee_id: r.employee_id.replace(/^EMP_0*/, '') })),
    );
    for (const row of generateCensusRows({ employees: 20, seed: 5, asOf: '2030-06-30' })) {
      expect(row.employee_hire_date <= '2030-06-30').toBe(true);
      expect(row.employee_hire_date > '2010-06-30').toBe(true);
    }
  });

  it('pads ids to at least six digits, wider when needed', () => {
    const first = censusRows({ employees: 1_234_567, seed: 3 }).next().value;
    expect(first?.employee_id).toBe('EMP_0000001');
  });

  it('rejects bad options', async () => {
    expect(() => generateCensusRows({ employees: 0, seed: 1 })).toThrow(UsageError);
    expect(() => generateCensusRows({ employees: 10, seed: -1 })).toThrow(UsageError);
    expect(() => generateCensusRows({ employees: 10, seed: 1, asOf: '2024-02-30' })).toThrow(UsageError);
    await expect(writeCensus({ employees: 10, seed: 1, out: join(tempDir(), 'x.json') })).rejects.toThrow(UsageError);
  });
});

/**
 * The sidecar `<census>.planalign.yaml` (src/census/sidecar.ts): read by loadCensus itself (so a
 * simulation gets it), strictly validated, written by `census check --save-mapping`, covered by the
 * census hash; and the rate unit's precedence, flag > sidecar > deferral_rates.normalize_percentages.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CENSUS_RATE_RULES, hashCensus, hashFile, loadCensus, sidecarPath } from '../../src/census/index.js';
import type { CensusIntakeOptions } from '../../src/census/intake.js';
import { Database } from '../../src/db/database.js';
import { CensusError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { runCli } from '../support/cli.js';
import { contentDigest, defaultConfigObject, makeCensus, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { withDb, writeText } from './helpers.js';

const tempDir = useTempDir();

async function refusal(promise: Promise<unknown>): Promise<CensusError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CensusError);
  return error as CensusError;
}

describe('the sidecar is read and validated by loadCensus', () => {
  it('renames columns the synonyms do not know', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'c.csv', ['Worker,Born,Joined,Base,Rate', 'E1,1980-05-01,2010-03-15,85000,0.06']);
    writeFileSync(
      sidecarPath(csv),
      'columns:\n  employee_id: Worker\n  employee_birth_date: Born\n  employee_hire_date: Joined\n  employee_gross_compensation: Base\n  employee_deferral_rate: Rate\n',
    );
    const result = await withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv));
    expect(result.sidecar).toBe(join(dir, 'c.csv.planalign.yaml'));
    expect(result.mapping.columns[0]).toEqual({ header: 'Worker', column: 'employee_id', by: 'columns', source: `columns.employee_id in ${join(dir, 'c.csv.planalign.yaml')}` });
    expect(result.rows).toBe(1);
  });

  it('refuses an unknown key, naming the sidecar and the key', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'c.csv', ['employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation', 'E1,1980-05-01,2010-03-15,85000']);
    const sidecar = sidecarPath(csv);
    writeFileSync(sidecar, 'separtor: ";"\ncolumns:\n  employee_idd: Worker\n');
    const error = await refusal(withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv)));
    expect(error.message).toContain(`Census sidecar ${sidecar} is not valid:`);
    expect(error.message).toContain('  - separtor: unknown key');
    expect(error.message).toContain('  - columns.employee_idd: not a census column');
    writeFileSync(sidecar, 'date_order: mdy\n');
    const bad = await refusal(withDb(join(dir, 'b.duckdb'), (db) => loadCensus(db, csv)));
    expect(bad.message).toMatch(/- date_order: .*"us"/);
    expect(bad.context.file).toBe(sidecar);
  });
});

describe('the census hash covers the file and the reading in effect', () => {
  it('is the file sha256 for a plain census, and for any way of asking for the reading a plain load makes', async () => {
    const dir = tempDir();
    // `;`-separated, one US date (2/25) settles the order, the others read the same in both orders.
    const csv = writeText(dir, 'c.csv', [
      'Emp ID;DOB;employee_hire_date;Salary;employee_deferral_rate',
      'E1;2/25/1980;2010-03-15;85000;6',
      'E2;3/4/1981;2011-03-15;75000;0.06',
    ]);
    const bare = await hashFile(csv);
    expect(await hashCensus(csv)).toBe(bare);
    // The same reading asked for with flags, or with a sidecar saying what sniffing finds.
    const same: CensusIntakeOptions = { separator: ';', dateOrder: 'us', decimalComma: false, columns: { employee_id: 'Emp ID' } };
    expect(await hashCensus(csv, same)).toBe(bare);
    writeFileSync(sidecarPath(csv), 'separator: ";"\ndate_order: us\ncolumns:\n  employee_gross_compensation: Salary\n');
    expect(await hashCensus(csv)).toBe(bare);
    expect(await hashCensus(csv, { dateOrder: 'us' })).toBe(bare);
    // The config's rate unit is the plain one: a flag repeating it changes nothing.
    const off = { ...DEFAULT_CENSUS_RATE_RULES, normalize_percentages: false };
    expect(await hashCensus(csv, { rateUnit: 'fraction' }, off)).toBe(bare);
    // Where problems go is not how the file is read.
    expect(await hashCensus(csv, { reportErrors: join(dir, 'r.csv') })).toBe(bare);
  });

  it('differs for a different reading, and is the same however that reading is asked for', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'c.csv', ['employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate', 'E1,1980-05-01,2010-03-15,85000,6']);
    const bare = await hashFile(csv);
    const percent = await hashCensus(csv, { rateUnit: 'percent' });
    const fraction = await hashCensus(csv, { rateUnit: 'fraction' });
    const comma = await hashCensus(csv, { decimalComma: true });
    expect(new Set([bare, percent, fraction, comma]).size).toBe(4);
    // The same reading from the sidecar, or from both (a flag repeating the sidecar).
    writeFileSync(sidecarPath(csv), 'rate_unit: percent\n');
    expect(await hashCensus(csv)).toBe(percent);
    expect(await hashCensus(csv, { rateUnit: 'percent' })).toBe(percent);
    // ISO dates need no order: naming one reads the file alike.
    expect(await hashCensus(csv, { dateOrder: 'day-first' })).toBe(percent);
    // loadCensus records the hash the resume check computes; the file's own sha256 beside it.
    const loaded = await withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv, undefined, undefined, { decimalComma: true }));
    expect(loaded.hash).toBe(await hashCensus(csv, { decimalComma: true }));
    expect(loaded.hash).not.toBe(percent);
    expect(loaded.fileHash).toBe(bare);
  });
});

describe('rate unit: --rate-unit > the sidecar rate_unit > deferral_rates.normalize_percentages', () => {
  it('hand-computed starting rates under each source', async () => {
    const dir = tempDir();
    // A writes 6 (6 % or 600 %), B writes 0.5 (50 % or 0.5 %).
    const csv = writeText(dir, 'c.csv', [
      'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate',
      'A,1980-05-01,2010-03-15,85000,6',
      'B,1981-05-01,2011-03-15,75000,0.5',
    ]);
    const off = { ...DEFAULT_CENSUS_RATE_RULES, normalize_percentages: false };
    let n = 0;
    const rates = (intake: CensusIntakeOptions = {}): Promise<{ rates: Record<string, string>; warnings: string[] }> =>
      withDb(join(dir, `${(n += 1)}.duckdb`), async (db) => {
        const result = await loadCensus(db, csv, off, undefined, intake);
        const rows = await db.all<{ id: string; r: string }>('SELECT employee_id AS id, employee_deferral_rate::VARCHAR AS r FROM stg_census_data ORDER BY 1');
        return { rates: Object.fromEntries(rows.map((r) => [r.id, r.r])), warnings: result.warnings };
      });
    const sidecar = sidecarPath(csv);

    // The config alone (normalize_percentages off): 6 is 600 %, not a rate → fallback 0.03; 0.5 is 50 %.
    expect((await rates()).rates).toEqual({ A: '0.03000', B: '0.50000' });
    // The sidecar's percent wins over the config: 6 → 0.06, 0.5 → 0.005.
    writeFileSync(sidecar, 'rate_unit: percent\n');
    const percent = await rates();
    expect(percent.rates).toEqual({ A: '0.06000', B: '0.00500' });
    expect(percent.warnings).toContainEqual(expect.stringContaining(`2 employee_deferral_rate values read as percents (divided by 100: 6 is 0.06) by rate_unit: percent in ${sidecar}, lines 2, 3`));
    // The sidecar's fraction reads as the config's: 6 cannot be a fraction of pay → the fallback.
    writeFileSync(sidecar, 'rate_unit: fraction\n');
    const fraction = await rates();
    expect(fraction.rates).toEqual({ A: '0.03000', B: '0.50000' });
    expect(fraction.warnings).toContainEqual(expect.stringContaining(`above 1 (read as fractions by rate_unit: fraction in ${sidecar}) cannot be a deferral rate, line 2`));
    // --rate-unit percent wins over the sidecar's fraction.
    const flagged = await rates({ rateUnit: 'percent' });
    expect(flagged.rates).toEqual({ A: '0.06000', B: '0.00500' });
    expect(flagged.warnings).toContainEqual(expect.stringContaining('read as percents (divided by 100: 6 is 0.06) by --rate-unit percent, lines 2, 3'));
  });
});

describe('census check --save-mapping', () => {
  it('writes the options used and the mapping next to the census; later loads read it without flags', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'export.csv', ['EmpID,Birth Date,Start Date,Pay,Contribution Rate', 'E1,1980-05-01,2010-03-15,85000,6', 'E2,1981-05-01,2011-03-15,75000,0.5']);
    const saved = runCli(['census', 'check', csv, '--rate-unit', 'percent', '--save-mapping']);
    expect(saved.stderr).toBe('');
    expect(saved.status).toBe(0);
    const sidecar = join(dir, 'export.csv.planalign.yaml');
    expect(saved.stdout).toContain(`Saved the options used and the column mapping to ${sidecar}`);
    expect(parse(readFileSync(sidecar, 'utf8'))).toMatchObject({
      separator: ',',
      rate_unit: 'percent',
      columns: {
        employee_id: 'EmpID',
        employee_birth_date: 'Birth Date',
        employee_hire_date: 'Start Date',
        employee_gross_compensation: 'Pay',
        employee_deferral_rate: 'Contribution Rate',
      },
    });
    // Read back: the same rates without the flag, and the mapping now comes from the sidecar.
    const again = runCli(['census', 'check', csv]);
    expect(again.stdout).toContain(`  read with its sidecar ${sidecar}`);
    expect(again.stdout).toContain(`"Contribution Rate" -> employee_deferral_rate (columns.employee_deferral_rate in ${sidecar})`);
    expect(again.stdout).toContain(`by rate_unit: percent in ${sidecar}`);
    // How it was read, and the run's census hash beside the file's sha256 (they differ: percent is not the plain reading).
    expect(again.stdout).toContain("  read as: separator ',' (sidecar), dates need no day/month order (ISO, or day and month equal), decimal point (default), rate unit: percent (sidecar)\n");
    expect(again.stdout).toContain(`  census hash ${await hashCensus(csv)}\n  file sha256 ${await hashFile(csv)}\n`);
    expect(runCli(['census', 'check', csv, '--rate-unit', 'percent']).stdout).toContain(`  census hash ${await hashCensus(csv)}\n`);
    const db = await Database.open(join(dir, 'a.duckdb'));
    try {
      await loadCensus(db, csv);
      expect(await db.all('SELECT employee_deferral_rate::VARCHAR AS r FROM stg_census_data ORDER BY employee_id')).toEqual([{ r: '0.06000' }, { r: '0.00500' }]);
    } finally {
      db.close();
    }
  });
});

describe('a simulation reads the sidecar', () => {
  let dir: string;
  let canonical: string;
  let renamed: string;
  beforeAll(async () => {
    dir = tempDir();
    const parquet = await makeCensus(dir, 200, 5);
    // The same census as CSV under headers only the sidecar explains.
    canonical = join(dir, 'canonical.csv');
    renamed = join(dir, 'renamed.csv');
    await withDb(':memory:', async (db) => {
      await db.run(`COPY (SELECT * FROM read_parquet($1)) TO $2 (HEADER, DELIMITER ',')`, [parquet, canonical]);
    });
    const [header, ...rows] = readFileSync(canonical, 'utf8').split('\n');
    const names = (header as string).split(',');
    writeFileSync(renamed, [names.map((c) => `F_${c}`).join(','), ...rows].join('\n'));
    writeFileSync(sidecarPath(renamed), `columns:\n${names.map((c) => `  ${c}: F_${c}`).join('\n')}\n`);
  });

  it('gives the results of the canonical file', async () => {
    const a = await simulate({ dir, census: canonical, name: 'canonical', years: [2025, 2025] });
    const b = await simulate({ dir, census: renamed, name: 'renamed', years: [2025, 2025] });
    expect(b.result.census.sidecar).toBe(sidecarPath(renamed));
    for (const [table, stamp] of [['fct_yearly_events', 'created_at'], ['fct_workforce_snapshot', 'snapshot_created_at']] as const) {
      expect(await contentDigest(b.database, table, [stamp])).toBe(await contentDigest(a.database, table, [stamp]));
    }

    // A changed sidecar is a changed census: the run cannot be resumed with it.
    writeFileSync(sidecarPath(renamed), `${readFileSync(sidecarPath(renamed), 'utf8')}rate_unit: fraction\n`);
    const orchestrator = await new OrchestratorBuilder()
      .withConfig(defaultConfigObject())
      .withEnvironment({})
      .withCensus(renamed)
      .withDatabase(b.database)
      .withYears(2025, 2026)
      .build();
    try {
      await expect(orchestrator.executeMultiYearSimulation({ resume: true })).rejects.toThrow(/the census changed/);
    } finally {
      orchestrator.close();
    }
  });
});

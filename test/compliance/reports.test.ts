import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeComparisonWorkbook } from '../../src/batch/comparison.js';
import { ExitCode } from '../../src/errors.js';
import { COMPLIANCE_COLUMNS, COMPLIANCE_TESTS, readComplianceResults, type ComplianceResult } from '../../src/reporting/compliance.js';
import { compareScenarios, formatScenarioComparison, readScenarioMetrics } from '../../src/reporting/scenario-compare.js';
import { flatConfig } from '../plan-design/match-support.js';
import { runCli } from '../support/cli.js';
import { withDb } from '../support/engine.js';
import { FAILING_ACP_CENSUS } from '../support/failing-acp.js';

/**
 * The compliance reports (issue 15) over a plan built to fail ACP, 2025-2026: two HCEs paid 200,000
 * defer 10 % (the default match, 50 % of deferrals up to 6 % of pay: ACR 3 %), one of eight NHCEs paid
 * 50,000 defers 2 % (ACR 1 %), the others nothing: NHCE average 0.125 %, limit
 * max(1.25 x 0.125 %, min(2 x 0.125 %, 0.125 % + 2 %)) = 0.25 %, margin 0.25 % - 3 % = -2.75 % each year.
 * One simulate through the CLI writes the run output and the report; a second one with
 * --fail-on-compliance exits 3. Every report reads fct_compliance_tests through readComplianceResults.
 */
describe('compliance reports of a plan failing ACP (2025-2026)', () => {
  let dir: string;
  let database: string;
  let failOn: { status: number | null; stdout: string; stderr: string };
  let run: { status: number | null; stdout: string; stderr: string };
  let results: ComplianceResult[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-compliance-reports-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, FAILING_ACP_CENSUS);
    const config = flatConfig((c) => {
      c.setup.census_parquet_path = census;
    });
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, stringify(config));
    database = join(dir, 'sim.duckdb');
    run = runCli(['simulate', '-c', configPath, '--database', database, '--quiet', '--report', join(dir, 'report')]);
    failOn = runCli(['simulate', '-c', configPath, '--database', join(dir, 'strict.duckdb'), '--quiet', '--fail-on-compliance']);
    results = await withDb(database, (db) => readComplianceResults(db));
  }, 180_000);

  it('has every test for every year, and the ACP failing by the hand-computed margin', () => {
    expect(run.status, run.stderr).toBe(ExitCode.Success);
    for (const year of [2025, 2026]) {
      expect(new Set(results.filter((r) => r.year === year).map((r) => r.test))).toEqual(new Set(COMPLIANCE_TESTS.map((t) => t.name)));
      const acp = results.find((r) => r.year === year && r.test === 'acp' && r.group === 'plan');
      expect(acp).toMatchObject({ passed: false, hceCount: 2, nhceCount: 8 });
      expect(acp?.hceValue).toBeCloseTo(0.03, 10);
      expect(acp?.nhceValue).toBeCloseTo(0.00125, 10);
      expect(acp?.limitValue).toBeCloseTo(0.0025, 10);
      expect(acp?.margin).toBeCloseTo(-0.0275, 10);
    }
  });

  it('says each failing test as a warning in the run output; --fail-on-compliance makes it an error, exit 3', () => {
    expect(run.stdout).toContain('Compliance findings');
    expect(run.stdout).toContain('  warning: 2025 acp plan: failed, margin -2.75 % (ACP 401(m)(2))');
    expect(run.stdout).toContain('  warning: 2026 acp plan: failed, margin -2.75 % (ACP 401(m)(2))');
    expect(failOn.status, failOn.stderr).toBe(ExitCode.ValidationFailure);
    expect(failOn.stdout).toContain('  error: 2026 acp plan: failed, margin -2.75 % (ACP 401(m)(2))');
  });

  it('shows the tests in the year audits and by year in the run summary and workbook of --report', async () => {
    const text = readFileSync(join(dir, 'report', 'summary.txt'), 'utf8');
    // by year: pass/fail and margin per test and group
    expect(text).toMatch(/^acp\s+plan\s+FAIL -2\.75 %\s+FAIL -2\.75 %$/m);
    // each year's audit
    expect(text).toMatch(/^acp\s+2025\s+plan\s+2\s+8\s+3\.00 %\s+0\.13 %\s+0\.25 %\s+-2\.75 %\s+FAIL$/m);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'report', 'planalign_report.xlsx'));
    const sheet = workbook.getWorksheet('Compliance');
    expect(sheet?.getRow(1).values).toEqual([undefined, ...COMPLIANCE_COLUMNS.map((c) => c.name)]);
    expect(sheet?.rowCount).toBe(results.length + 1);
  });

  it('analyze compliance: the table, --json and --export csv', () => {
    const console = runCli(['analyze', 'compliance', '--database', database]);
    expect(console.status, console.stderr).toBe(ExitCode.Success);
    expect(console.stdout).toMatch(/^acp\s+2026\s+plan\s+2\s+8\s+3\.00 %\s+0\.13 %\s+0\.25 %\s+-2\.75 %\s+FAIL$/m);
    const json = runCli(['analyze', 'compliance', '--database', database, '--json', '--export', 'csv', '--out', join(dir, 'analysis')]);
    expect(json.status, json.stderr).toBe(ExitCode.Success);
    const parsed = JSON.parse(json.stdout) as { target: string; rows: Array<Record<string, unknown>> };
    expect(parsed.rows).toHaveLength(results.length);
    expect(parsed.rows.find((r) => r.year === 2025 && r.test_name === 'acp')).toMatchObject({ group_name: 'plan', passed: false, unit: 'fraction' });
    const csv = readFileSync(join(dir, 'analysis', 'compliance_analysis.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe(COMPLIANCE_COLUMNS.map((c) => c.name).join(','));
    expect(csv.filter((l) => l.startsWith('2026,acp,plan,2,8,'))).toHaveLength(1);
  });

  it('exports the results as compliance_tests.csv, documented in columns.csv', () => {
    const out = join(dir, 'export');
    const result = runCli(['export', '--database', database, '--out', out, '--years', '2026-2026']);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    const lines = readFileSync(join(out, 'compliance_tests.csv'), 'utf8').trim().split('\r\n');
    expect(lines.length - 1).toBe(results.filter((r) => r.year === 2026).length);
    expect(lines.slice(1).every((l) => l.startsWith('2026,'))).toBe(true);
    expect(readFileSync(join(out, 'columns.csv'), 'utf8')).toContain('compliance_tests.csv,margin');
  });

  it('compare and the batch workbook show each scenario’s pass/fail and margin per test and year', async () => {
    const strict = join(dir, 'strict.duckdb');
    const text = runCli(['compare', database, strict]);
    expect(text.status, text.stderr).toBe(ExitCode.Success);
    expect(text.stdout).toMatch(/^ {2}2025\s+acp\s+plan\s+FAIL -2\.75 %\s+FAIL -2\.75 %$/m);
    const comparison = compareScenarios([await readScenarioMetrics('A', database), await readScenarioMetrics('B', strict)], { baseline: 'A' });
    expect(formatScenarioComparison(comparison)).toContain('Compliance tests');
    const path = join(dir, 'comparison.xlsx');
    await writeComparisonWorkbook(path, comparison, [], new Date('2026-01-01T00:00:00Z'));
    expect(existsSync(path)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('Compliance');
    expect(sheet?.getRow(1).values).toEqual([undefined, 'Year', 'Test', 'Group', 'A result', 'A margin', 'B result', 'B margin']);
    const acp = sheet?.getRows(2, (sheet?.rowCount ?? 1) - 1)?.find((r) => r.getCell(1).value === 2026 && r.getCell(2).value === 'acp');
    expect(acp?.getCell(4).value).toBe('FAIL');
    expect(acp?.getCell(5).value as number).toBeCloseTo(-0.0275, 10);
  });
});

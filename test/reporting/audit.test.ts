import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { DatabaseStateError } from '../../src/errors.js';
import { analyzeEvents } from '../../src/reporting/analysis.js';
import { collectReport } from '../../src/reporting/collect.js';
import { growthAnalysis, MultiYearReporter } from '../../src/reporting/multi-year-reporter.js';
import { formatMultiYearSummary, formatYearAudit } from '../../src/reporting/render/console.js';
import { latestRun, readRun, readRunMetadata } from '../../src/reporting/source.js';
import type { MultiYearSummary } from '../../src/reporting/types.js';
import { YearAuditor } from '../../src/reporting/year-auditor.js';
import { summarizeYear } from '../../src/reporting/year-summary.js';
import { useTempDir } from '../support/tmp.js';
import { copyDatabase, END_YEAR, START_YEAR, useSimulation, YEARS } from './helpers.js';

const simulation = useSimulation();
const tempDir = useTempDir();

/** Reads the shared simulated database; these tests never write to it. */
describe('YearAuditor and MultiYearReporter against the simulated database', () => {
  let db: Database;
  let summary: MultiYearSummary;
  const startTime = new Date('2030-01-02T03:04:05.678Z');
  const generatedAt = new Date('2030-01-02T04:00:00.000Z');

  beforeAll(async () => {
    db = await Database.open(simulation().database);
    summary = await new MultiYearReporter(db).summarize({
      runId: simulation().result.runId,
      startYear: START_YEAR,
      endYear: END_YEAR,
      startTime,
      generatedAt,
    });
  });
  afterAll(() => db?.close());

  const count = async (sql: string, params: (string | number)[] = []): Promise<number> =>
    Number((await db.one<{ n: string }>(`SELECT (${sql})::VARCHAR AS n`, params))?.n);

  it('audits each year with the figures of direct SQL counts', async () => {
    const auditor = new YearAuditor(db);
    for (const year of YEARS) {
      const audit = await auditor.audit(year);
      expect(audit.year).toBe(year);
      expect(audit.summary).toEqual(await summarizeYear(db, year));

      const statuses = await db.all<{ status: string; n: number }>(
        `SELECT detailed_status_code AS status, count(*)::INTEGER AS n FROM fct_workforce_snapshot
         WHERE simulation_year = $1 GROUP BY 1 ORDER BY 1`,
        [year],
      );
      expect(audit.workforceByStatus).toEqual(statuses.map((s) => ({ status: s.status, count: s.n })));
      expect(audit.workforceByStatus.reduce((a, s) => a + s.count, 0)).toBe(
        await count(`SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = $1`, [year]),
      );

      const events = await db.all<{ t: string; n: number }>(
        `SELECT event_type AS t, count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = $1 GROUP BY 1
         UNION ALL
         SELECT 'employer_match', count(*)::INTEGER FROM fct_employer_match_events WHERE simulation_year = $1
         ORDER BY 1`,
        [year],
      );
      expect(events.find((e) => e.t === 'employer_match')?.n).toBeGreaterThan(0);
      expect(audit.eventsByType).toEqual(events.map((e) => ({ eventType: e.t, count: e.n })));

      const starting = await count(`SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = $1`, [year]);
      const ending = await count(
        `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = $1 AND employment_status = 'active'`,
        [year],
      );
      expect(audit.growth).toEqual({
        startingActives: starting,
        endingActives: ending,
        netChange: ending - starting,
        growthPct: ((ending - starting) / starting) * 100,
      });

      const match = await count(`SELECT sum(employer_match_amount) FROM fct_workforce_snapshot WHERE simulation_year = $1`, [year]);
      const core = await count(`SELECT sum(employer_core_amount) FROM fct_workforce_snapshot WHERE simulation_year = $1`, [year]);
      const contributions = await count(`SELECT sum(ytd_contributions) FROM fct_workforce_snapshot WHERE simulation_year = $1`, [year]);
      expect(audit.plan.employerMatch).toBeCloseTo(match, 2);
      expect(audit.plan.employerCore).toBeCloseTo(core, 2);
      expect(audit.plan.employerCost).toBeCloseTo(match + core, 2);
      expect(audit.plan.employeeContributions).toBeCloseTo(contributions, 2);
      const participating = await count(
        `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = $1 AND employment_status = 'active'
           AND participation_status = 'participating'`,
        [year],
      );
      expect(audit.plan.participationRate).toBeCloseTo(participating / ending, 12);
      expect(audit.plan.averageDeferralRate).toBe(audit.summary.averageDeferralRate);

      // The run recorded every rule for the year.
      const rules = await db.all<{ rule: string; severity: string; violations: string }>(
        `SELECT rule, severity, violations::VARCHAR AS violations FROM planalign_validation_results
         WHERE simulation_year = $1 AND run_id = $2 ORDER BY rule`,
        [year, simulation().result.runId],
      );
      expect(rules.length).toBeGreaterThan(0);
      expect(audit.validation.map((v) => [v.rule, v.severity, v.violations])).toEqual(
        rules.map((r) => [r.rule, r.severity, Number(r.violations)]),
      );
      expect(audit.validation.every((v) => v.description.length > 0)).toBe(true);
    }
  });

  it('summarizes the run: identity, progression, growth and CAGR by hand', async () => {
    const run = await db.one<{ seed: string; config_hash: string; census_hash: string }>(
      `SELECT seed::VARCHAR AS seed, config_hash, census_hash FROM planalign_runs WHERE run_id = $1`,
      [simulation().result.runId],
    );
    expect(summary.runId).toBe(simulation().result.runId);
    expect(summary.seed).toBe(Number(run?.seed));
    expect(summary.configHash).toBe(run?.config_hash);
    expect(summary.censusHash).toBe(run?.census_hash);
    expect([summary.startYear, summary.endYear]).toEqual([START_YEAR, END_YEAR]);
    expect(summary.startTime).toBe('2030-01-02T03:04:05.678Z');
    expect(summary.generatedAt).toBe('2030-01-02T04:00:00.000Z');
    expect(summary.workforceProgression.map((y) => y.year)).toEqual(YEARS);
    for (const y of summary.workforceProgression) expect(y).toEqual(await summarizeYear(db, y.year));

    const start = await count(`SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = ${START_YEAR}`);
    const end = await count(
      `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = ${END_YEAR} AND employment_status = 'active'`,
    );
    expect(summary.growthAnalysis.startingActives).toBe(start);
    expect(summary.growthAnalysis.endingActives).toBe(end);
    expect(summary.growthAnalysis.totalGrowthPct).toBeCloseTo(((end - start) / start) * 100, 10);
    // Three simulated years: CAGR = (end / start)^(1/3) - 1.
    expect(summary.growthAnalysis.cagrPct).toBeCloseTo((Math.cbrt(end / start) - 1) * 100, 10);
    // Compounding the CAGR over the years gives back the total growth.
    expect(start * (1 + summary.growthAnalysis.cagrPct / 100) ** 3).toBeCloseTo(end, 6);
  });

  it('totals the events by type over the years, match events included', async () => {
    const rows = await db.all<{ t: string; n: number }>(
      `SELECT event_type AS t, count(*)::INTEGER AS n FROM fct_yearly_events GROUP BY 1
       UNION ALL SELECT 'employer_match', count(*)::INTEGER FROM fct_employer_match_events ORDER BY 1`,
    );
    expect(summary.eventTotals).toEqual(Object.fromEntries(rows.map((r) => [r.t, r.n])));
    expect(Object.keys(summary.eventTotals)).toEqual(rows.map((r) => r.t));
  });

  it('reports participation and employer cost by year and in total', async () => {
    expect(summary.participationTrend).toEqual(
      summary.workforceProgression.map((y) => ({
        year: y.year,
        participationRate: y.participationRate,
        averageDeferralRate: y.averageDeferralRate,
      })),
    );
    const byYear = await db.all<{ year: number; m: string; c: string }>(
      `SELECT simulation_year AS year, sum(employer_match_amount)::VARCHAR AS m, sum(employer_core_amount)::VARCHAR AS c
       FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
    );
    expect(summary.employerCost.byYear.map((y) => y.year)).toEqual(YEARS);
    byYear.forEach((row, i) => {
      const y = summary.employerCost.byYear[i];
      expect(y?.match).toBe(Number(row.m));
      expect(y?.core).toBe(Number(row.c));
      expect(y?.total).toBeCloseTo(Number(row.m) + Number(row.c), 2);
    });
    const total = await count(`SELECT sum(employer_match_amount + employer_core_amount) FROM fct_workforce_snapshot`);
    expect(summary.employerCost.total).toBeCloseTo(total, 2);
    expect(Math.round(summary.employerCost.total * 100) / 100).toBe(summary.employerCost.total);
  });

  it('matches what the orchestrator returned for the run', () => {
    const result = simulation().result;
    expect(summary.workforceProgression).toEqual(result.workforceProgression);
    expect(summary.growthAnalysis).toEqual(result.growthAnalysis);
    expect(summary.eventTotals).toEqual(result.eventTotals);
  });

  it('summarizes a single year as one year of growth', async () => {
    const one = await new MultiYearReporter(db).summarize({
      runId: simulation().result.runId,
      startYear: 2026,
      endYear: 2026,
      startTime,
      generatedAt,
    });
    expect(one.workforceProgression).toHaveLength(1);
    expect(one.growthAnalysis.cagrPct).toBeCloseTo(one.growthAnalysis.totalGrowthPct, 10);
    expect(one.growthAnalysis.startingActives).toBe(one.workforceProgression[0]?.startingActives);
  });

  it('refuses an unknown run, a year that was not simulated and an inverted span', async () => {
    const reporter = new MultiYearReporter(db);
    const base = { startTime, generatedAt };
    await expect(
      reporter.summarize({ ...base, runId: 'run-nope', startYear: START_YEAR, endYear: END_YEAR }),
    ).rejects.toThrow(/Run run-nope is not recorded/);
    await expect(
      reporter.summarize({ ...base, runId: simulation().result.runId, startYear: START_YEAR, endYear: 2028 }),
    ).rejects.toBeInstanceOf(DatabaseStateError);
    await expect(
      reporter.summarize({ ...base, runId: simulation().result.runId, startYear: 2027, endYear: 2025 }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('reads the run record and its metadata', async () => {
    const run = await latestRun(db);
    expect(run.runId).toBe(simulation().result.runId);
    expect(await readRun(db, run.runId)).toEqual(run);
    expect(run.status).toBe('completed');
    expect(run.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(run.finishedAt).toMatch(/Z$/);
    const metadata = await readRunMetadata(db, run.runId);
    const version = await db.one<{ v: string }>(`SELECT version() AS v`);
    expect(metadata.duckdbVersion).toBe(version?.v);
    const params = new Map(metadata.parameters.map((p) => [p.key, p.value]));
    expect(params.get('param_simulation.random_seed')).toBe('42');
    expect(params.get('param_simulation.start_year')).toBe(String(START_YEAR));
    expect(params.get('param_dc_plan.ae_enabled')).toBe('true');
  });

  it('renders the audit and the summary as console tables', async () => {
    const audit = await new YearAuditor(db).audit(2026);
    const text = formatYearAudit(audit);
    expect(text).toContain('Year 2026 audit');
    for (const s of audit.workforceByStatus) expect(text).toMatch(new RegExp(`${s.status}\\s+${s.count.toLocaleString('en-US')}\\b`));
    for (const e of audit.eventsByType) expect(text).toMatch(new RegExp(`${e.eventType}\\s+${e.count.toLocaleString('en-US')}\\b`));
    expect(text).toMatch(/starting actives\s+\d+/);
    expect(text).toContain(audit.validation[0]?.rule);
    expect(formatYearAudit({ ...audit, validation: [], workforceByStatus: [] })).toContain(
      'Validation: no results recorded for this year',
    );

    const summaryText = formatMultiYearSummary(summary);
    expect(summaryText).toContain(`Run ${summary.runId}: 2025-2027 (3 years), seed 42`);
    expect(summaryText).toMatch(new RegExp(`CAGR\\s+\\+${summary.growthAnalysis.cagrPct.toFixed(2)} %`));
    // total, forfeitures used, net
    expect(summaryText).toMatch(/total\s+\$[\d,]+\s+\$[\d,]+\s+\$[\d,]+\n\nCompliance test\s+Group\s+2025\s+2026\s+2027\n/);
    expect(formatMultiYearSummary({ ...summary, endYear: START_YEAR })).toContain('(1 year)');
  });
});

describe('validation outcomes come from the latest run that checked the year', () => {
  it('prefers a later run, keeps the latest check of a rule, and reads [] for unchecked years', async () => {
    const database = copyDatabase(simulation().database, tempDir());
    const db = await Database.open(database);
    try {
      const insert = `INSERT INTO planalign_validation_results
        (run_id, simulation_year, rule, severity, description, violations, sample_rows, checked_at)
        VALUES ($1, $2, $3, $4, $5, $6, NULL, $7::TIMESTAMP)`;
      await db.run(insert, ['run-later', 2026, 'zz_rule', 'warning', 'checked twice', 3, '2099-01-01 00:00:00']);
      await db.run(insert, ['run-later', 2026, 'zz_rule', 'warning', 'checked twice', 1, '2099-01-01 00:00:01']);
      await db.run(insert, ['run-later', 2026, 'aa_rule', 'fatal', null, 7, '2099-01-01 00:00:00']);
      await db.run(`DELETE FROM planalign_validation_results WHERE simulation_year = 2027`);
      const auditor = new YearAuditor(db);
      expect((await auditor.audit(2026)).validation).toEqual([
        { rule: 'aa_rule', severity: 'info', violations: 7, description: '' },
        { rule: 'zz_rule', severity: 'warning', violations: 1, description: 'checked twice' },
      ]);
      expect((await auditor.audit(2027)).validation).toEqual([]);
      expect((await auditor.audit(2025)).validation.length).toBeGreaterThan(2);
    } finally {
      db.close();
    }
  });

  it('works on a database without the validation and match tables', async () => {
    const database = copyDatabase(simulation().database, tempDir());
    const db = await Database.open(database);
    try {
      await db.run(`DROP TABLE planalign_validation_results`);
      await db.run(`DROP TABLE fct_employer_match_events`);
      const audit = await new YearAuditor(db).audit(2025);
      expect(audit.validation).toEqual([]);
      expect(audit.eventsByType.map((e) => e.eventType)).not.toContain('employer_match');
      const summary = await new MultiYearReporter(db).summarize({
        runId: simulation().result.runId,
        startYear: 2025,
        endYear: 2025,
        startTime: new Date(),
        generatedAt: new Date(),
      });
      expect(summary.eventTotals.employer_match).toBeUndefined();
      const events = await analyzeEvents(db);
      expect(events.event_types).not.toContain('employer_match');
      expect(events.rows.find((r) => r.year === 2025 && r.event_type === 'hire')?.events).toBe(summary.eventTotals.hire);
      expect(summary.eventTotals.hire).toBe(audit.eventsByType.find((e) => e.eventType === 'hire')?.count);
    } finally {
      db.close();
    }
  });

  it('collects the report of the latest run over the simulated years', async () => {
    const database = copyDatabase(simulation().database, tempDir());
    const db = await Database.open(database);
    try {
      const report = await collectReport(db, { generatedAt: new Date('2031-05-06T07:08:09.000Z') });
      expect(report.summary.runId).toBe(simulation().result.runId);
      expect(report.audits.map((a) => a.year)).toEqual(YEARS);
      expect(report.summary.generatedAt).toBe('2031-05-06T07:08:09.000Z');
      expect(report.summary.startTime).toBe(report.metadata.startedAt);
      expect(report.metadata.runId).toBe(report.summary.runId);
    } finally {
      db.close();
    }
  });
});

describe('growthAnalysis', () => {
  it('computes total growth and CAGR over the simulated years', () => {
    const g = growthAnalysis(1000, 1331, 3);
    expect(g.totalGrowthPct).toBeCloseTo(33.1, 10);
    expect(g.cagrPct).toBeCloseTo(10, 10);
    expect(growthAnalysis(1000, 900, 1)).toMatchObject({ totalGrowthPct: -10, cagrPct: expect.closeTo(-10, 10) });
  });

  it('reports no growth from an empty start', () => {
    expect(growthAnalysis(0, 50, 2)).toEqual({ startingActives: 0, endingActives: 50, totalGrowthPct: 0, cagrPct: 0 });
  });
});

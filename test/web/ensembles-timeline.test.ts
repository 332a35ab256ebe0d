import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import type { JobResult } from '../../src/executor/types.js';
import type { EnsembleResults } from '../../src/services/ensembles.js';
import type { RunInfo } from '../../src/services/runs.js';
import { EnsemblesPage } from './pages/ensembles.js';
import { TimelinePage } from './pages/timeline.js';
import { screenshot, startBrowserStudio, type BrowserStudio } from './support.js';

// Needs `npm run build` (dist/web is what the Studio serves).
let env: BrowserStudio;
let page: Page;
/** The run of 'default' (200 employees, 2025-2026) the timeline reads, started in beforeAll alongside the ensemble test. */
let run: Promise<RunInfo>;

const api = async <T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> => {
  const response = await fetch(`${env.studio.url}/api${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    ...(init.json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) }),
  });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
};

async function finishedRun(): Promise<RunInfo> {
  const started = await api<RunInfo>('/scenarios/default/runs', { json: {} });
  for (;;) {
    const info = await api<RunInfo>(`/runs/default/${started.runId}`);
    if (info.state !== 'running') return info;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A query of a finished run's database, read-only (the studio opens it per request). */
async function readDb<T extends Record<string, unknown>>(database: string, sql: string, params: Record<string, string>): Promise<T[]> {
  const db = await Database.open(database, { readOnly: true });
  try {
    return await db.all<T>(sql, params);
  } finally {
    db.close();
  }
}

/** "$1,234,567": a dollar figure over $1,000 as the tables show it, written out by hand. */
const dollars = (v: number): string => `$${Math.round(v).toLocaleString('en-US')}`;

beforeAll(async () => {
  env = await startBrowserStudio();
  page = await env.newPage();
  run = finishedRun();
});
afterAll(() => env.close());

describe('the Ensembles page in chromium', () => {
  it('starts a 2-seed ensemble, shows its progress, then fan charts whose tables equal the API and a threshold probability', async () => {
    const ensembles = new EnsemblesPage(page);
    await ensembles.openScenario('default');
    await page.getByText('No ensembles yet').waitFor();
    await screenshot(page, 'ensembles-empty');

    // A wrong seed count is named inline, nothing starts.
    await page.getByLabel('Seeds', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Start ensemble' }).click();
    expect(await page.locator('.ensemble-start .field-error').innerText()).toBe('Seeds must be a whole number from 1 to 1,000, not "0"');

    const runId = await ensembles.start(2);
    expect(await ensembles.progress()).toMatch(/^[0-2] of 2 seeds done$/);
    expect(await ensembles.state()).toBe('Running');
    await screenshot(page, 'ensembles-running');
    await ensembles.waitForState('Completed');
    expect(await ensembles.progress()).toBe('2 of 2 seeds done');
    expect(await ensembles.listStates()).toEqual(['Completed']);

    // The fan chart of the first metric shown: its table is the API's bands, to the last digit in the CSV.
    const results = await api<EnsembleResults>(`/ensembles/default/${runId}`);
    const label = 'Total employer plan cost';
    await ensembles.fanTable(label).waitFor();
    await ensembles.fanCanvas().waitFor();
    const bands = results.bands.filter((b) => b.metric === 'total_employer_plan_cost');
    expect(bands.map((b) => [b.simulation_year, b.seeds])).toEqual([
      [2025, 2],
      [2026, 2],
    ]);
    const csv = await ensembles.download(ensembles.fanCaption(label), 'CSV');
    expect(csv.name).toBe('ensemble-total_employer_plan_cost.csv');
    const [header, ...lines] = csv.bytes.toString('utf8').trim().split('\r\n');
    expect(header).toBe('Year,Seeds,P5,P25,Median,P75,P95,Mean,SD');
    expect(lines.map((l) => l.split(',').map(Number))).toEqual(bands.map((b) => [b.simulation_year, b.seeds, b.p5, b.p25, b.p50, b.p75, b.p95, b.mean, b.sd]));
    const caption = ensembles.fanCaption(label);
    expect(await ensembles.cellText(caption, '2026', 'Median')).toBe(dollars(bands[1]!.p50));
    expect(await ensembles.cellText(caption, '2026', 'Seeds')).toBe('2');
    expect(await ensembles.cellAlign(caption, '2026', 'P95')).toBe('right');

    // The seeds' own 2026 figures, from their result files: the threshold typed halfway between them.
    const figures = (metric: string, year: number): number[] =>
      results.jobStatuses.map((j) => {
        const result = JSON.parse(readFileSync(join(env.ws.ensembleDir('default', runId), 'jobs', j.id, 'result.json'), 'utf8')) as JobResult;
        return result.years.find((y) => y.year === year)![metric] as number;
      });
    const cost = figures('total_employer_plan_cost', 2026);
    const costThreshold = Math.round((cost[0]! + cost[1]!) / 2);
    await ensembles.askThreshold({ value: costThreshold.toLocaleString('en-US'), year: 2026 });
    expect(await ensembles.thresholdCaption()).toBe(`P(Total employer plan cost > ${dollars(costThreshold)})`);
    const share = (values: number[], above: number): string => `${((values.filter((v) => v > above).length / values.length) * 100).toFixed(1)} %`;
    expect(await ensembles.cellText(await ensembles.thresholdCaption(), '2026', 'Probability')).toBe(share(cost, costThreshold));
    expect(await ensembles.table(await ensembles.thresholdCaption()).locator('tbody tr').count()).toBe(1);
    // The threshold is drawn on the chart: a legend entry of its own.
    await screenshot(page, 'ensembles-threshold');

    // A percentage typed as a percentage: 2025's participation, halfway between the seeds, every year.
    await ensembles.chooseMetric('Participation rate');
    const rates = figures('participation_rate', 2025);
    const percent = Math.round(((rates[0]! + rates[1]!) / 2) * 10_000) / 100;
    await ensembles.askThreshold({ value: String(percent) });
    expect(await ensembles.thresholdCaption()).toBe(`P(Participation rate > ${percent.toFixed(1)} %)`);
    expect(await ensembles.cellText(await ensembles.thresholdCaption(), '2025', 'Probability')).toBe(share(rates, percent / 100));
    expect(await ensembles.cellText(await ensembles.thresholdCaption(), '2026', 'Seeds')).toBe('2');
    await ensembles.askThreshold({ value: 'lots' });
    expect(await ensembles.thresholdError()).toBe('Type a number, e.g. 75 %');
    await screenshot(page, 'ensembles-participation');

    // Dark theme and a phone-sized window: the page still fits.
    const dark = await env.newPage({ colorScheme: 'dark' });
    await new EnsemblesPage(dark).open(`/ensembles/default/${runId}`);
    await new EnsemblesPage(dark).fanCanvas().waitFor();
    await screenshot(dark, 'ensembles-dark');
    await dark.setViewportSize({ width: 420, height: 800 });
    await screenshot(dark, 'ensembles-narrow');
    expect(await dark.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await dark.context().close();
    expect(env.pageErrors).toEqual([]);
  }, 120_000);

  it('cancels a running ensemble: it ends Cancelled, with the seeds it had', async () => {
    const ensembles = new EnsemblesPage(page);
    await ensembles.openScenario('default');
    const runId = await ensembles.start(6);
    expect(await ensembles.state()).toBe('Running');
    await ensembles.cancel();
    await ensembles.waitForState('Cancelled', 30_000);
    await ensembles.waitForResults();
    expect(await ensembles.listStates()).toEqual(['Cancelled', 'Completed']);
    // The seeds as the API has them: those not done cancelled, and named so over the results.
    const { jobStatuses } = await api<EnsembleResults>(`/ensembles/default/${runId}`);
    expect(await ensembles.seedStatuses()).toEqual(jobStatuses.map((j) => j.status));
    const done = jobStatuses.filter((j) => j.status === 'completed').length;
    expect(done).toBeLessThan(6);
    expect(await ensembles.progress()).toBe(`${done} of 6 seeds done`);
    expect(await ensembles.notice()).toBe(`${6 - done} of 6 seeds did not complete`);
    await screenshot(page, 'ensembles-cancelled');
  }, 60_000);
});

describe('the Employee timeline in chromium', () => {
  it('finds an employee, shows every event of the database in date order and the year-end state, and deep-links to it', async () => {
    const info = await run;
    expect(info.state).toBe('completed');
    const database = join(env.ws.root, info.database);
    // The employee with the most events (a hire who enrolled, escalated, got a raise and left, in this census).
    const [busiest] = await readDb<{ id: string }>(
      database,
      `SELECT employee_id AS id FROM fct_yearly_events GROUP BY employee_id ORDER BY count(*) DESC, employee_id LIMIT 1`,
      {},
    );
    const id = busiest!.id;
    const expected = await readDb<{ date: string; type: string; year: number; compensation: number | null }>(
      database,
      `SELECT strftime(effective_date, '%Y-%m-%d') AS date, event_type AS type, simulation_year::INTEGER AS year, compensation_amount::DOUBLE AS compensation
       FROM fct_yearly_events WHERE employee_id = $id ORDER BY effective_date, event_sequence`,
      { id },
    );
    const states = await readDb<{ year: number; status: string; pay: number }>(
      database,
      `SELECT simulation_year::INTEGER AS year, employment_status AS status, current_compensation::DOUBLE AS pay
       FROM fct_workforce_snapshot WHERE employee_id = $id ORDER BY year`,
      { id },
    );
    expect(expected.length).toBeGreaterThanOrEqual(3);

    const timeline = new TimelinePage(page);
    await timeline.open('/timeline');
    await page.getByText('Pick an employee').waitFor();
    await timeline.waitForMatches();
    expect(await timeline.matches()).toHaveLength(20);
    expect(await timeline.pickedRun()).toBe(`default/${info.runId}`);
    await screenshot(page, 'timeline-pick');

    await timeline.search(id.slice(0, -1));
    expect(await timeline.matches()).toContain(id);
    await timeline.search('no-such-employee');
    await page.getByText('No employee id contains “no-such-employee”.').waitFor();
    await timeline.search(id);
    expect(await timeline.matches()).toEqual([id]);
    await timeline.pick(id);
    expect(page.url()).toMatch(new RegExp(`#/timeline/default/${info.runId}/${id}$`));

    // Every event of the database, in its order, on the vertical timeline and in the table.
    const shown = await timeline.events(id);
    expect(shown.map((e) => [e.date, e.type])).toEqual(expected.map((e) => [e.date, e.type]));
    expect(await timeline.years(id)).toEqual([...new Set([...expected.map((e) => e.year), ...states.map((s) => s.year)])].sort().map(String));
    const caption = `Events of ${id}`;
    const csv = await timeline.download(caption, 'CSV');
    const rows = csv.bytes.toString('utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[0], r[2], r[5] === '' ? null : Number(r[5])])).toEqual(expected.map((e) => [e.date, e.type, e.compensation]));
    const hire = expected.find((e) => e.type === 'hire');
    if (hire !== undefined) expect(shown.find((e) => e.type === 'hire')).toMatchObject({ label: 'Hired', change: expect.stringContaining(`Pay ${dollars(hire.compensation!)}`) });

    // The year-end state of each year.
    const years = `Year-end state of ${id}`;
    for (const s of states) {
      expect(await timeline.cellText(years, String(s.year), 'Status')).toBe(s.status);
      expect(await timeline.cellText(years, String(s.year), 'Pay')).toBe(dollars(s.pay));
    }
    await screenshot(page, 'timeline-employee');

    // The deep link opens the same employee in a fresh page, the match marked; dark and narrow.
    const fresh = await env.newPage({ colorScheme: 'dark' });
    const deep = new TimelinePage(fresh);
    await deep.open(`/timeline/default/${info.runId}/${id}`);
    await deep.timelineOf(id).waitFor();
    expect((await deep.events(id)).map((e) => e.type)).toEqual(expected.map((e) => e.type));
    expect(await deep.currentMatch()).toBe(id);
    await screenshot(fresh, 'timeline-dark');
    await fresh.setViewportSize({ width: 420, height: 800 });
    await screenshot(fresh, 'timeline-narrow');
    expect(await fresh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);

    // An unknown employee in the link is named, not a blank page.
    await deep.open(`/timeline/default/${info.runId}/NOBODY`);
    await deep.error().waitFor();
    expect(await deep.error().innerText()).toContain(`Employee "NOBODY" is not in run default/${info.runId}`);
    await screenshot(fresh, 'timeline-unknown');
    await fresh.context().close();
    expect(env.pageErrors).toEqual([]);
  }, 60_000);
});

import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ComparePage } from './pages/compare.js';
import { DashboardPage } from './pages/dashboard.js';
import { screenshot, startBrowserStudio, type BrowserStudio } from './support.js';

// Needs `npm run build` (dist/web is what the Studio serves).
let env: BrowserStudio;
let page: Page;
/** The completed runs of the two scenarios: the default plan (50 % match) and `richer` (100 % match). */
const runs: Record<'default' | 'richer', string> = { default: '', richer: '' };

const api = async (path: string, init: { method?: string; json?: unknown } = {}): Promise<any> => {
  const response = await fetch(`${env.studio.url}/api${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: init.json === undefined ? {} : { 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
};

/** The figures straight from a run's database (read-only: the Studio reads it too). */
async function sql<T extends Record<string, unknown>>(scenario: 'default' | 'richer', query: string): Promise<T[]> {
  const db = await Database.open(env.ws.runFile({ scenario, runId: runs[scenario] }, 'database'), { readOnly: true });
  try {
    return await db.all<T>(query);
  } finally {
    db.close();
  }
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd = (v: number): string => `${v < 0 ? '−' : ''}$${whole.format(Math.abs(v))}`;
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

beforeAll(async () => {
  env = await startBrowserStudio();
  page = await env.newPage();
  // Before any run: both pages say what is missing.
  const dashboard = new DashboardPage(page);
  await dashboard.open('/dashboard');
  await page.getByText('No completed run yet').waitFor();
  await screenshot(page, 'dashboard-empty');
  await dashboard.open('/compare');
  await page.getByText('Compare needs two completed runs').waitFor();
  await screenshot(page, 'compare-empty');

  const yaml = readFileSync(env.ws.scenarioFile('default'), 'utf8');
  const richer = yaml.replace(/(simple_match:\n(?:.*\n)*?\s+match_rate:) 0\.50/, '$1 1.00');
  expect(richer).not.toBe(yaml);
  await api('/scenarios/richer', { method: 'PUT', json: { yaml: richer } });
  const started = await Promise.all((['default', 'richer'] as const).map((s) => api(`/scenarios/${s}/runs`, { json: {} })));
  for (const run of started) {
    let state = run.state;
    while (state === 'running') {
      await new Promise((r) => setTimeout(r, 250));
      state = (await api(`/runs/${run.scenario}/${run.runId}`)).state;
    }
    expect(state).toBe('completed');
    runs[run.scenario as 'default' | 'richer'] = run.runId;
  }
}, 60_000);
afterAll(() => env.close());

describe('the results dashboard', () => {
  it("shows a run's figures per year as the database holds them", async () => {
    const app = new DashboardPage(page);
    // The newest run first; the picker moves to the other scenario's.
    await app.open('/dashboard');
    await app.figuresShown();
    await app.pickRun('default');
    expect(page.url()).toContain(`#/dashboard/default/${runs.default}`);

    const years = await sql<{ year: number; active: number; terminated: number; pay: number; match: number; core: number; hires: number }>(
      'default',
      `SELECT simulation_year::INTEGER AS year,
              count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
              count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER AS terminated,
              count(*) FILTER (WHERE detailed_status_code IN ('new_hire_active', 'new_hire_termination'))::INTEGER AS hires,
              sum(prorated_annual_compensation)::DOUBLE AS pay,
              sum(employer_match_amount)::DOUBLE AS match, sum(employer_core_amount)::DOUBLE AS core
       FROM fct_workforce_snapshot GROUP BY ALL ORDER BY year`,
    );
    expect(years.map((y) => y.year)).toEqual([2025, 2026]);
    expect(await app.tableRows('Headcount by status')).toEqual(years.map((y) => [String(y.year), String(y.active), String(y.terminated)]));
    for (const y of years) {
      expect(await app.cellText('Hires and terminations', String(y.year), 'Hires')).toBe(String(y.hires));
      expect(await app.cellText('Payroll', String(y.year), 'Total compensation')).toBe(usd(y.pay));
      expect(await app.cellText('Contributions', String(y.year), 'Employer match')).toBe(usd(y.match));
      expect(await app.cellText('Gross and net employer cost', String(y.year), 'Total employer plan cost')).toBe(usd(y.match + y.core));
    }
    expect(await app.cellAlign('Payroll', '2026', 'Total compensation')).toBe('right');
    const last = years.at(-1)!;
    expect(await app.headline('Active headcount')).toBe(String(last.active));
    expect(await app.headline('Total employer plan cost')).toBe(usd(last.match + last.core));

    // The deferral-rate distribution: every bucket of the year-end actives.
    const [{ n }] = await sql<{ n: number }>(
      'default',
      `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot
       WHERE simulation_year = 2026 AND employment_status = 'active' AND current_deferral_rate >= 0.03 AND current_deferral_rate < 0.06`,
    );
    expect(await app.cellText('Deferral-rate distribution (actives at year end)', '3-6 %', '2026')).toBe(String(n));
    const buckets = await app.tableRows('Deferral-rate distribution (actives at year end)');
    expect(buckets.map((b) => b[0])).toEqual(['0 %', '0-3 %', '3-6 %', '6-10 %', '10-15 %', '15 %+']);
    expect(buckets.reduce((s, b) => s + Number(b[2]), 0)).toBe(last.active);

    // Account balances and the compliance tests of every year.
    const [{ balances }] = await sql<{ balances: number }>('default', 'SELECT sum(closing)::DOUBLE AS balances FROM fct_account_balances WHERE simulation_year = 2026');
    expect(await app.cellText('Account balances', '2026', 'Account balances (year end)')).toBe(usd(balances));
    const tests = await sql<{ year: number; test_name: string; passed: boolean }>(
      'default',
      `SELECT simulation_year::INTEGER AS year, test_name, passed FROM fct_compliance_tests WHERE test_name <> '415c' ORDER BY ALL`,
    );
    const shown = await app.tableRows('Compliance tests per year (rates)');
    expect(shown.length).toBe(tests.length);
    expect(shown.filter((r) => r[1] === 'ADP 401(k)(3)').map((r) => [Number(r[0]), r[3]])).toEqual(
      tests.filter((t) => t.test_name === 'adp').map((t) => [t.year, t.passed ? 'yes' : 'no']),
    );
    await screenshot(page, 'dashboard-light');
    expect(env.pageErrors).toEqual([]);
  });

  it('filters by level and new-hire cohort: the figures are those of the chosen employees, the plan-level ones stay whole', async () => {
    const app = new DashboardPage(page);
    await app.openRun('default', runs.default);
    expect(await app.filterValues('Level')).toEqual(['1', '2', '3', '4', '5']);
    expect(await app.filterValues('New-hire cohort')).toEqual(['Census', 'Hired 2025', 'Hired 2026']);
    const grossBefore = await app.cellText('Gross and net employer cost', '2026', 'Total employer plan cost');

    await app.toggleFilter('Level', '1');
    await app.toggleFilter('Level', '2');
    expect(page.url()).toContain('?level=1&level=2');
    const levels = await sql<{ year: number; active: number; participants: number; pay: number }>(
      'default',
      `SELECT simulation_year::INTEGER AS year, count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
              count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::INTEGER AS participants,
              sum(prorated_annual_compensation)::DOUBLE AS pay
       FROM fct_workforce_snapshot WHERE level_id IN (1, 2) GROUP BY ALL ORDER BY year`,
    );
    for (const y of levels) {
      expect(await app.cellText('Headcount by status', String(y.year), 'Active headcount')).toBe(String(y.active));
      expect(await app.cellText('Participation and deferral rates', String(y.year), 'Participants')).toBe(String(y.participants));
      expect(await app.cellText('Participation and deferral rates', String(y.year), 'Participation rate')).toBe(pct(y.participants / y.active));
      expect(await app.cellText('Payroll', String(y.year), 'Total compensation')).toBe(usd(y.pay));
    }
    const buckets = await app.tableRows('Deferral-rate distribution (actives at year end)');
    expect(buckets.reduce((s, b) => s + Number(b[2]), 0)).toBe(levels.at(-1)!.active);
    await app.notice('figures of the whole plan').waitFor();
    expect(await app.cellText('Gross and net employer cost', '2026', 'Total employer plan cost')).toBe(grossBefore);
    await screenshot(page, 'dashboard-filtered');

    // The census cohort narrows them further.
    expect(await app.filter('Level', '2').isChecked()).toBe(true);
    await app.toggleFilter('New-hire cohort', 'Census');
    const [censusOnly] = await sql<{ active: number }>(
      'default',
      `SELECT count(*)::INTEGER AS active FROM fct_workforce_snapshot s
       WHERE simulation_year = 2026 AND employment_status = 'active' AND level_id IN (1, 2)
         AND employee_id NOT IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'hire')`,
    );
    expect(await app.cellText('Headcount by status', '2026', 'Active headcount')).toBe(String(censusOnly!.active));
    expect(censusOnly!.active).toBeLessThan(levels.at(-1)!.active);

    // A link's filters apply as the page opens; a population with nobody in it says so; clearing the filters brings back every employee.
    const [{ nobody }] = await sql<{ nobody: number }>('default', `SELECT count(*)::INTEGER AS nobody FROM fct_workforce_snapshot WHERE level_id = 5 AND age_band = '< 25'`);
    expect(nobody).toBe(0);
    await app.openRun('default', runs.default, 'level=5&age=%3C+25');
    expect(await app.filter('Age band', '< 25').isChecked()).toBe(true);
    await page.getByText('No employees match these filters').waitFor();
    await screenshot(page, 'dashboard-no-match');
    await app.clearFilters();
    expect(await app.headline('Active headcount')).toBe(String((await sql<{ n: number }>('default', `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employment_status = 'active'`))[0]!.n));
    expect(env.pageErrors).toEqual([]);
  });

  it('reads well in the dark theme and a narrow window; an unknown run is named', async () => {
    const app = new DashboardPage(page);
    await app.openRun('richer');
    await app.toggleTheme();
    expect(await app.theme()).toBe('dark');
    await screenshot(page, 'dashboard-dark');
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'dashboard-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.toggleTheme();

    await app.open('/dashboard/default/20260101T000000000Z-abcd');
    await app.notice('Scenario default has no completed run 20260101T000000000Z-abcd').waitFor();
    await screenshot(page, 'dashboard-missing-run');
    expect(env.pageErrors).toEqual([]);
  });
});

describe('comparing runs', () => {
  it('compares two runs year by year against a baseline, with the deltas and the config diff', async () => {
    const app = new ComparePage(page);
    const a = `default/${runs.default}`;
    const b = `richer/${runs.richer}`;
    await app.openRuns([a, b]);
    const cost = async (scenario: 'default' | 'richer') =>
      sql<{ year: number; cost: number }>(
        scenario,
        `SELECT simulation_year::INTEGER AS year, sum(employer_match_amount + employer_core_amount)::DOUBLE AS cost FROM fct_workforce_snapshot GROUP BY ALL ORDER BY year`,
      );
    const [base, rich] = [await cost('default'), await cost('richer')];
    const caption = 'Gross employer cost';
    expect(await app.columns(caption)).toEqual(['Year', 'default', 'richer', 'Δ richer', 'Δ % richer']);
    for (const [i, y] of base.entries()) {
      const r = rich[i]!;
      expect(await app.cellText(caption, String(y.year), 'default')).toBe(usd(y.cost));
      expect(await app.cellText(caption, String(y.year), 'richer')).toBe(usd(r.cost));
      expect(await app.cellText(caption, String(y.year), 'Δ richer')).toBe(usd(r.cost - y.cost));
      expect(await app.cellText(caption, String(y.year), 'Δ % richer')).toBe(pct((r.cost - y.cost) / y.cost));
    }
    // The richer match costs more: a positive difference, in every year and over both.
    expect(rich.every((r, i) => r.cost > base[i]!.cost)).toBe(true);
    expect(await app.cellText(caption, 'All 2025–2026', 'richer')).toBe(usd(rich[0]!.cost + rich[1]!.cost));
    expect(await app.columns('Employer cost, % of payroll')).toEqual(['Year', 'default', 'richer', 'Δ richer (pt)', 'Δ % richer']);
    expect(await app.cellText('Active headcount', '2026', 'Δ richer')).toBe('0');

    // The config diff names the one key that differs.
    const diff = 'Config of richer against default';
    expect(await app.columns(diff)).toEqual(['Key', 'default', 'richer']);
    expect(await app.cellText(diff, 'employer_match.formulas.simple_match.match_rate', 'default')).toBe('0.5');
    expect(await app.cellText(diff, 'employer_match.formulas.simple_match.match_rate', 'richer')).toBe('1');
    await screenshot(page, 'compare-light');

    // Another baseline: the differences change sign; a discount rate values the cost at Jan 1 of the first year.
    await app.chooseBaseline('richer');
    expect(await app.columns(caption)).toEqual(['Year', 'richer', 'default', 'Δ default', 'Δ % default']);
    expect(await app.cellText(caption, '2026', 'Δ default')).toBe(usd(base[1]!.cost - rich[1]!.cost));
    await app.setDiscountRate(5);
    const pv = (ys: Array<{ year: number; cost: number }>) => ys.reduce((s, y) => s + y.cost / 1.05 ** (y.year - 2025 + 1), 0);
    expect(await app.cellText('Present value of employer cost', 'default', 'Present value')).toBe(usd(pv(base)));
    expect(await app.cellText('Present value of employer cost', 'richer', 'Present value')).toBe(usd(pv(rich)));
    await page.getByText('discounted at 5.0 % a year to 2025-01-01').waitFor();
    await screenshot(page, 'compare-baseline-richer');

    await app.toggleTheme();
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'compare-narrow-dark');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    // Unticking a run leaves one: the page asks for another.
    await app.toggleRun('default');
    await page.getByText('Pick at least two runs').waitFor();
    await screenshot(page, 'compare-one-run');
    expect(env.pageErrors).toEqual([]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readEvents } from '../../src/services/progress-log.js';
import { CensusPage } from './pages/census.js';
import { RunsPage } from './pages/runs.js';
import { screenshot, startBrowserStudio, TINY_CENSUS, type BrowserStudio } from './support.js';

// Needs `npm run build` (dist/web is what the Studio serves).
let env: BrowserStudio;
let page: Page;

beforeAll(async () => {
  env = await startBrowserStudio();
  page = await env.newPage();
});
afterAll(() => env.close());

const api = async <T>(path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${env.studio.url}/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

/**
 * An HR export of 30 employees whose "Start Date" (a synonym of the hire date, so suggested for it)
 * is the current position's start and holds "pending" on line 8; "Original Hire" is the hire date.
 * Pay 42,500 + 2,500 a row up to 115,000; every third row defers 0 %, the others 5 %.
 */
function hrExport(): Buffer {
  const lines = ['EmpID,DOB,Start Date,Original Hire,Salary,Deferral %'];
  for (let i = 1; i <= 30; i++) {
    const start = i === 7 ? 'pending' : `2021-0${(i % 9) + 1}-01`;
    lines.push(`E${String(i).padStart(3, '0')},${1970 + (i % 25)}-0${(i % 9) + 1}-15,${start},${2005 + (i % 15)}-03-01,${40000 + 2500 * i},${i % 3 === 0 ? 0 : 5}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('the census page in chromium', () => {
  it('names an upload\'s problem by row and column; a fixed mapping, saved as the sidecar, reads it; the profile; delete', async () => {
    const census = new CensusPage(page);
    await census.openCensus();
    expect(await census.files()).toEqual(['census_5000.parquet', TINY_CENSUS]);
    expect(await census.cellText('Census files', TINY_CENSUS, 'Used by')).toBe('default');
    await screenshot(page, 'census-list');

    await census.upload('hr.csv', hrExport());
    expect(await census.checkResult()).toBe('hr.csv is refused: 1 problem listed');
    const problems = await census.problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: '8', column: 'Start Date', value: 'pending' });
    expect(problems[0]!.problem).toMatch(/^unparseable date "pending"/);
    // The suggestion read "Start Date" as the hire date (a synonym): the analyst picks "Original Hire".
    expect(await census.mappedHeader('employee_hire_date')).toBe('Start Date');
    expect(await census.mappedHeader('employee_gross_compensation')).toBe('Salary');
    await screenshot(page, 'census-problems');

    await census.mapColumn('employee_hire_date', 'Original Hire');
    expect(await census.checkMapping()).toBe('hr.csv is valid: 30 rows, 30 active, 0 terminated');
    expect(await page.locator('.census-warnings').textContent()).toContain('Ignored 1 unknown census column: Start Date');
    expect(await census.saveMapping()).toBe('census/hr.csv.planalign.yaml');
    const sidecar = parse(readFileSync(join(env.ws.root, 'census', 'hr.csv.planalign.yaml'), 'utf8')) as { columns: Record<string, string> };
    expect(sidecar.columns.employee_hire_date).toBe('Original Hire');
    // The form shows the file as the sidecar reads it now: the sniffed separator written in.
    expect(await page.getByLabel('Separator').inputValue()).toBe(',');
    expect(await census.checkResult()).toBe('hr.csv is valid: 30 rows, 30 active, 0 terminated');
    expect(await census.cellText('Census files', 'hr.csv', 'Mapping')).toBe('saved (sidecar)');
    await screenshot(page, 'census-mapping-saved');

    // A fresh page reads the file as its sidecar says: no problem any more, the mapping as saved.
    await page.reload();
    await census.fileHeading().waitFor();
    expect(await census.checkResult()).toBe('hr.csv is valid: 30 rows, 30 active, 0 terminated');
    expect(await census.mappedHeader('employee_hire_date')).toBe('Original Hire');

    await census.openTab('Preview');
    expect(await census.columns('First 20 rows of hr.csv, as read')).toEqual(['EmpID', 'DOB', 'Start Date', 'Original Hire', 'Salary', 'Deferral %']);
    expect(await census.cellText('First 20 rows of hr.csv, as read', 'E007', 'Start Date')).toBe('pending');
    await screenshot(page, 'census-preview');

    await census.openTab('Profile');
    const figures = await census.figures();
    expect(figures).toMatchObject({ 'Active headcount': '30', Participants: '20', 'Participation rate': '66.7 %', "Participants' average deferral rate": '5.0 %' });
    // 42,500 ... 115,000 by 2,500: the median is (77,500 + 80,000) / 2.
    expect(await census.cellText('Annual pay percentiles', 'Minimum', 'Annual pay')).toBe('$42,500');
    expect(await census.cellText('Annual pay percentiles', 'Median', 'Annual pay')).toBe('$78,750');
    expect(await census.cellText('Annual pay percentiles', 'Maximum', 'Annual pay')).toBe('$115,000');
    expect(await census.cellText('Annual pay percentiles', 'Total', 'Annual pay')).toBe('$2,362,500');
    // data/seeds/config_job_levels.csv: level 1 is $56,000-80,000 (pay below it takes the nearest band, level 1), level 2
    // $81,000-120,000: the first 16 employees (mean pay $61,250) and the 14 others.
    const levels = await census.table('Headcount by level').locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(levels).toEqual([
      ['1', '16', '$61,250'],
      ['2', '14', '$98,750'],
      ['3', '0', '—'],
      ['4', '0', '—'],
      ['5', '0', '—'],
    ]);
    await page.locator('figure.chart canvas').first().waitFor();
    await screenshot(page, 'census-profile');
    await census.toggleTheme();
    await screenshot(page, 'census-profile-dark');
    await census.toggleTheme();
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'census-profile-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The same name again replaces the file (once confirmed); its saved mapping still reads it.
    await census.uploadReplacing('hr.csv', hrExport());
    expect(await census.checkResult()).toBe('hr.csv is valid: 30 rows, 30 active, 0 terminated');

    // The census a scenario reads cannot be deleted; hr.csv can, with its sidecar.
    await census.select(TINY_CENSUS);
    expect(await page.locator('.census-file-header').getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    await census.select('hr.csv');
    await census.deleteFile();
    expect(await census.files()).toEqual(['census_5000.parquet', TINY_CENSUS]);
    expect(existsSync(env.ws.censusFile('hr.csv'))).toBe(false);
    expect(existsSync(join(env.ws.root, 'census', 'hr.csv.planalign.yaml'))).toBe(false);
    expect(env.pageErrors).toEqual([]);
  });
});

interface RunInfo {
  state: string;
  yearsCompleted: number[];
  inputs?: { config: string; census: string; parameters: string };
}

describe('the runs page in chromium', () => {
  it('starts a run and shows its stages live; a cancel rolls the year in progress back', async () => {
    const runs = new RunsPage(page);
    await runs.openRuns();
    await screenshot(page, 'runs-empty');
    const runId = await runs.startRun('default');
    await runs.waitForStage(2025, 'running…');
    await runs.waitForState('Running');
    await screenshot(page, 'run-running');
    await runs.cancel();
    await runs.waitForState('Cancelled');
    const run = await api<RunInfo>(`/runs/default/${runId}`);
    expect(run.state).toBe('cancelled');
    // The years the page shows completed are the database's; the year stopped in shows rolled back. A
    // cancel can also land between two years (after one's checkpoint, before the next one's first stage):
    // the next year then never started and shows not run, as the run's own events say.
    const states = await runs.yearStates();
    expect(states.filter((s) => s.startsWith('completed in')).length).toBe(run.yearsCompleted.length);
    const stoppedYear = 2025 + run.yearsCompleted.length;
    const started = readEvents(env.ws.runFile({ scenario: 'default', runId }, 'events')).some(
      (e) => e.type === 'stage_started' && e.data.year === stoppedYear,
    );
    expect(states[run.yearsCompleted.length]).toBe(started ? 'rolled back' : 'not run');
    expect(await page.locator('.notice', { hasText: 'Cancelled: the year in progress was rolled back' }).count()).toBe(1);
    await expect(page.locator('.run-status').getByRole('button', { name: 'Resume run' }).count()).resolves.toBe(0);
    await screenshot(page, 'run-cancelled');
    expect(env.pageErrors).toEqual([]);
  });

  it('resumes an interrupted run; a reload mid-run reattaches to its stream, which goes on to completion; the history has its hashes', async () => {
    // A run whose process never got going (no database): interrupted, with a resume offered.
    const { runId } = env.ws.newRun('default', { origin: 'cli' });
    const runs = new RunsPage(page);
    await runs.openRun('default', runId);
    await runs.waitForState('Interrupted');
    await screenshot(page, 'run-interrupted');
    await runs.resume();
    await runs.waitForStage(2025, '✓');
    // Mid-run (the run takes seconds, its first stage a fraction of one): the reload finds it running.
    expect((await api<RunInfo>(`/runs/default/${runId}`)).state).toBe('running');
    await page.reload();
    await runs.state().waitFor();
    await runs.waitForState('Completed');
    expect(await runs.yearStates()).toEqual([expect.stringMatching(/^completed in [\d.]+ s$/), expect.stringMatching(/^completed in [\d.]+ s$/)]);
    const run = await api<Required<RunInfo>>(`/runs/default/${runId}`);
    expect(run).toMatchObject({ state: 'completed', yearsCompleted: [2025, 2026] });
    // The figures the stream told equal the database's.
    const figures = await api<{ rows: Array<{ year: number; active_headcount: number }> }>('/results/query', {
      runs: [{ scenario: 'default', runId }],
      query: { metrics: ['active_headcount'] },
    });
    for (const { year, active_headcount } of figures.rows) {
      expect(await runs.cellText('Years completed', String(year), 'Active headcount')).toBe(active_headcount.toLocaleString('en-US'));
    }
    // The census hash is the one a check of the file gives.
    const { hash } = await api<{ hash: string }>(`/census/${TINY_CENSUS}/check`, {});
    expect(run.inputs.census).toBe(hash);
    expect(await runs.detail('Census hash')).toEqual({ text: hash.slice(0, 16), title: hash });
    expect(await runs.detail('Config hash')).toEqual({ text: run.inputs.config.slice(0, 16), title: run.inputs.config });
    expect(await runs.snapshot()).toMatch(/^\s+end_year: 2026$/m);
    await page.getByText('The scenario default is unchanged since this run').waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).last().waitFor();
    expect(await page.getByRole('link', { name: 'Dashboard' }).last().getAttribute('href')).toBe(`#/dashboard/default/${runId}`);
    await screenshot(page, 'run-completed');

    await runs.openRuns();
    const row = await runs.historyRow(runId);
    expect(row.cells.slice(0, 5)).toEqual([runId, 'default', 'Completed', '2025–2026 (2 done)', '42']);
    expect(row.hashes).toEqual([run.inputs.config, run.inputs.census, run.inputs.parameters]);
    await screenshot(page, 'runs-history');
    await runs.toggleTheme();
    await screenshot(page, 'runs-history-dark');
    await runs.toggleTheme();
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'runs-history-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(env.pageErrors).toEqual([]);
  });
});

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NAV_LABELS, StudioPage } from './pages/base.js';
import { screenshot, startBrowserStudio, TINY_CENSUS, type BrowserStudio } from './support.js';

// Needs `npm run build` (dist/web is what the Studio serves).
let env: BrowserStudio;
let page: Page;
let app: StudioPage;

beforeAll(async () => {
  env = await startBrowserStudio();
  page = await env.newPage();
  app = new StudioPage(page);
});
afterAll(() => env.close());

describe('the Studio shell in chromium', () => {
  it('links every page from the header, marks the current one, and titles each with its own heading', async () => {
    await app.open('/scenarios');
    const headings: Record<string, string | null> = {};
    for (const label of NAV_LABELS) {
      await app.navigate(label);
      expect(await app.currentNav()).toBe(label);
      headings[label] = await app.heading().textContent();
      expect(page.url()).toMatch(/#\/[a-z]+$/);
      await screenshot(page, `shell-${label.toLowerCase().replace(/ /g, '-')}`);
    }
    expect(headings).toEqual({
      Scenarios: 'Scenarios',
      'Plan design': 'Plan design',
      Census: 'Census',
      Runs: 'Runs',
      Dashboard: 'Dashboard',
      Compare: 'Compare',
      Ensembles: 'Ensembles',
      Timeline: 'Employee timeline',
    });
    // The dashboard of a workspace without a completed run says so (its charts: test/web/dashboard-compare.test.ts).
    await app.navigate('Dashboard');
    await page.getByText('No completed run yet').waitFor();
    // An unknown path is a page of its own, not a blank screen.
    await page.goto('/#/nowhere');
    await page.getByText('No such page').waitFor();
    expect(env.pageErrors).toEqual([]);
  });

  it('lists the scenarios in a table: numbers right-aligned, CSV, XLSX and Copy of the same rows', async () => {
    await app.open('/scenarios');
    const caption = 'Scenarios';
    await app.row(caption, 'default').waitFor();
    expect(await app.columns(caption)).toEqual(['Scenario', 'Census', 'First year', 'Last year', 'Runs', 'Modified']);
    expect(await app.cellText(caption, 'default', 'Census')).toBe(`census/${TINY_CENSUS}`);
    expect(await app.cellText(caption, 'default', 'First year')).toBe('2025');
    expect(await app.cellText(caption, 'default', 'Last year')).toBe('2026');
    expect(await app.cellText(caption, 'default', 'Runs')).toBe('0');
    expect(await app.cellAlign(caption, 'default', 'Last year')).toBe('right');
    expect(await app.cellAlign(caption, 'default', 'Runs')).toBe('right');
    expect(await app.cellAlign(caption, 'default', 'Census')).toBe('left');

    const csv = await app.download(caption, 'CSV');
    expect(csv.name).toBe('scenarios.csv');
    const [header, row, end] = csv.bytes.toString('utf8').split('\r\n');
    expect(header).toBe('Scenario,Census,First year,Last year,Runs,Modified');
    expect(row).toMatch(new RegExp(`^default,census/${TINY_CENSUS.replace('.', '\\.')},2025,2026,0,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));
    expect(end).toBe('');

    const xlsx = await app.download(caption, 'XLSX');
    expect(xlsx.name).toBe('scenarios.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Scenarios')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Scenario', 'Census', 'First year', 'Last year', 'Runs', 'Modified']);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 6)).toEqual(['default', `census/${TINY_CENSUS}`, 2025, 2026, 0]);
    // The count column carries the report's number format; years stay plain.
    expect(sheet.getCell('E2').numFmt).toBe('#,##0');
    expect(sheet.getCell('D2').numFmt).toBeUndefined();

    const tsv = await app.copy(caption);
    expect(tsv.split('\n').map((l) => l.split('\t').slice(0, 5))).toEqual([
      ['Scenario', 'Census', 'First year', 'Last year', 'Runs'],
      ['default', `census/${TINY_CENSUS}`, '2025', '2026', '0'],
    ]);
    await screenshot(page, 'shell-scenarios-light');
  });

  it('switches to the dark theme and keeps it across a reload; keyboard focus is visible', async () => {
    await app.open('/scenarios');
    expect(await app.theme()).toBe('light');
    await app.toggleTheme();
    expect(await app.theme()).toBe('dark');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(17, 20, 24)');
    await page.reload();
    await app.heading().waitFor();
    expect(await app.theme()).toBe('dark');
    await app.row('Scenarios', 'default').waitFor();
    await screenshot(page, 'shell-scenarios-dark');

    // The first Tab reaches the skip link, the next the brand: each with the focus ring.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');

    await app.navigate('Dashboard');
    await page.getByText('No completed run yet').waitFor();
    await screenshot(page, 'shell-dashboard-dark');
    await app.navigate('Scenarios');
    await app.row('Scenarios', 'default').waitFor();

    // A phone-sized window: the nav wraps, the table scrolls inside its box.
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'shell-scenarios-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(env.pageErrors).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

/** The header's page links, as the shell shows them. */
export const NAV_LABELS = ['Scenarios', 'Plan design', 'Census', 'Runs', 'Dashboard', 'Compare', 'Ensembles', 'Timeline'] as const;
export type NavLabel = (typeof NAV_LABELS)[number];

/** A downloaded file: its name and bytes. */
export interface Download {
  name: string;
  bytes: Buffer;
}

/**
 * What every page of the Studio has: the shell (nav, theme toggle) and DataTables. Page objects of
 * each page extend it with intent methods; every wait is on the page's state, never a fixed sleep.
 */
export class StudioPage {
  constructor(readonly page: Page) {}

  /** Opens the app at a hash path ('/scenarios') and waits for its page heading. */
  async open(path = '/scenarios'): Promise<void> {
    await this.page.goto(`/#${path}`);
    await this.heading().waitFor();
  }

  heading(): Locator {
    return this.page.locator('main h1');
  }

  /** Follows a header link and waits for the page it leads to. */
  async navigate(label: NavLabel): Promise<void> {
    const nav = this.page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: label, exact: true }).click();
    await nav.locator('[aria-current="page"]', { hasText: label }).waitFor();
  }

  currentNav(): Promise<string | null> {
    return this.page.getByRole('navigation', { name: 'Pages' }).locator('[aria-current="page"]').textContent();
  }

  async toggleTheme(): Promise<void> {
    await this.page.locator('.theme-toggle').click();
  }

  theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme');
  }

  /** The DataTable captioned `caption` (its <table>). */
  table(caption: string): Locator {
    return this.page.locator('table', { has: this.page.locator('caption', { hasText: caption }) });
  }

  /** The header labels of a table. */
  columns(caption: string): Promise<string[]> {
    return this.table(caption).locator('thead th').allTextContents();
  }

  /** The row whose header cell (first column) is `row`. */
  row(caption: string, row: string): Locator {
    return this.table(caption).locator('tbody tr', { has: this.page.locator('th', { hasText: new RegExp(`^${escapeRegExp(row)}$`) }) });
  }

  /** The text of one cell: the row named by its first column, the column by its header label. */
  async cell(caption: string, row: string, column: string): Promise<Locator> {
    const index = (await this.columns(caption)).indexOf(column);
    if (index < 0) throw new Error(`Table "${caption}" has no column "${column}": ${(await this.columns(caption)).join(', ')}`);
    return this.row(caption, row).locator('th, td').nth(index);
  }

  async cellText(caption: string, row: string, column: string): Promise<string> {
    return ((await (await this.cell(caption, row, column)).textContent()) ?? '').trim();
  }

  /** The computed text-align of a cell (numbers are right-aligned). */
  async cellAlign(caption: string, row: string, column: string): Promise<string> {
    return (await this.cell(caption, row, column)).evaluate((el) => getComputedStyle(el).textAlign);
  }

  /** Clicks a table's CSV or XLSX button and returns the file it downloads. */
  async download(caption: string, format: 'CSV' | 'XLSX'): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: `Download ${caption} as ${format}` }).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }

  /** Clicks a table's Copy button and returns what the clipboard holds. */
  async copy(caption: string): Promise<string> {
    await this.page.getByRole('button', { name: `Copy ${caption} for a spreadsheet` }).click();
    await this.page.locator('.data-table', { has: this.table(caption) }).locator('.table-status', { hasText: 'Copied' }).waitFor();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

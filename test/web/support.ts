import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeCensus } from '../../src/census/index.js';
import { packageRoot } from '../../src/paths.js';
import { startStudio, type StudioServer } from '../../src/studio/server.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { ensureChromium } from '../support/chromium.js';

/** Kept after the run (git-ignored) so people can look at every page the tests saw. */
export const SCREENSHOTS = join(packageRoot, 'test-artifacts', 'screenshots');

/** The census the scenario 'default' of a browser test's workspace reads. */
export const TINY_CENSUS = 'tiny.parquet';

export interface BrowserStudio {
  ws: Workspace;
  studio: StudioServer;
  browser: Browser;
  /** The page errors (uncaught exceptions) of every page opened: a test expects none. */
  pageErrors: string[];
  /** A page in a fresh context (own storage, downloads accepted, clipboard allowed), at 1280 x 800. */
  newPage(options?: { width?: number; height?: number; colorScheme?: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A Studio over a temp workspace whose scenario 'default' reads a small census (`employees`, 200 by
 * default) over 2025-2026, served in-process on 127.0.0.1:0 from dist/web (`npm run build` first), and a
 * headless Debian chromium. One per test file.
 */
export async function startBrowserStudio(options: { employees?: number } = {}): Promise<BrowserStudio> {
  const ws = Workspace.open(join(mkdtempSync(join(tmpdir(), 'web-')), 'ws'), { create: true });
  await writeCensus({ employees: options.employees ?? 200, seed: 11, out: ws.censusFile(TINY_CENSUS) });
  const yaml = readFileSync(ws.scenarioFile('default'), 'utf8')
    .replace('census/census_5000.parquet', `census/${TINY_CENSUS}`)
    .replace('end_year: 2029', 'end_year: 2026');
  const studio = await startStudio({ workspace: ws, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  // Saved through the API: the same validation a save in the editor gets.
  const saved = await fetch(`${studio.url}/api/scenarios/default`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml }) });
  if (!saved.ok) throw new Error(`Saving the tiny default scenario failed: ${saved.status} ${await saved.text()}`);
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: ['--no-sandbox'] });
  const pageErrors: string[] = [];
  return {
    ws,
    studio,
    browser,
    pageErrors,
    newPage: async ({ width = 1280, height = 800, colorScheme = 'light' } = {}) => {
      const context = await browser.newContext({
        baseURL: studio.url,
        viewport: { width, height },
        colorScheme,
        acceptDownloads: true,
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    close: async () => {
      await browser.close();
      await studio.close();
    },
  };
}

/** Saves the whole page as test-artifacts/screenshots/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

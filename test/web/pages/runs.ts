import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

export type RunStateLabel = 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Interrupted';

/** The runs page (#/runs): start a run, the history; a run's view (#/runs/<scenario>/<id>) with its live progress. */
export class RunsPage extends StudioPage {
  async openRuns(): Promise<void> {
    await this.open('/runs');
    await this.page.locator('#run-history-title').waitFor();
  }

  async openRun(scenario: string, runId: string): Promise<void> {
    await this.open(`/runs/${scenario}/${runId}`);
    await this.state().waitFor();
  }

  /** Starts a run of the scenario from the form and waits for its view; returns the run id. */
  async startRun(scenario: string, options: { startYear?: number; endYear?: number; seed?: number } = {}): Promise<string> {
    const form = this.page.locator('.run-start form');
    await form.getByLabel('Scenario').selectOption(scenario);
    if (options.startYear !== undefined) await form.getByLabel('First year').fill(String(options.startYear));
    if (options.endYear !== undefined) await form.getByLabel('Last year').fill(String(options.endYear));
    if (options.seed !== undefined) await form.getByLabel('Random seed').fill(String(options.seed));
    await form.getByRole('button', { name: 'Start run' }).click();
    await this.page.waitForURL(new RegExp(`#/runs/${scenario}/[^/?]+$`));
    await this.state().waitFor();
    return decodeURIComponent(this.page.url().split('/').pop()!);
  }

  /** The run's state badge. */
  state(): Locator {
    return this.page.locator('.run-status .run-state');
  }

  async waitForState(label: RunStateLabel, timeout = 30_000): Promise<void> {
    await this.page.locator('.run-status .run-state', { hasText: label }).waitFor({ timeout });
  }

  /** Waits until a stage of `year` shows `text` ('running…', '✓'). */
  async waitForStage(year: number, text: string, timeout = 30_000): Promise<void> {
    await this.table('Stages per year')
      .locator('tbody tr', { has: this.page.locator('th', { hasText: String(year) }) })
      .locator('td.run-stage', { hasText: text })
      .first()
      .waitFor({ timeout });
  }

  /** The Status column of each year's row: 'completed in 1.2 s', 'in progress', 'rolled back'... */
  yearStates(): Promise<string[]> {
    return this.table('Stages per year').locator('tbody td.run-year-state').allTextContents();
  }

  async cancel(): Promise<void> {
    await this.page.locator('.run-status').getByRole('button', { name: 'Cancel run' }).click();
    await this.page.getByRole('dialog', { name: 'Cancel this run?' }).getByRole('button', { name: 'Cancel run' }).click();
  }

  async resume(): Promise<void> {
    await this.page.locator('.run-status').getByRole('button', { name: 'Resume run' }).click();
  }

  /** A detail of the run's inputs ('Config hash', 'Census'...): its text, and its title (a hash's whole). */
  async detail(label: string): Promise<{ text: string; title: string | null }> {
    const dd = this.page.locator('.run-details > div', { has: this.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
    return { text: ((await dd.textContent()) ?? '').trim(), title: await dd.locator('[title]').getAttribute('title').catch(() => null) };
  }

  /** The config snapshot's text (opening its details). */
  async snapshot(): Promise<string> {
    await this.page.locator('.run-snapshot summary').click();
    return (await this.page.getByLabel('Config snapshot').textContent()) ?? '';
  }

  /** A run's row in the history: its cells' texts, and the hashes' whole values from their titles. */
  async historyRow(runId: string): Promise<{ cells: string[]; hashes: Array<string | null> }> {
    const row = this.table('Runs, newest first').locator('tbody tr', { has: this.page.getByRole('link', { name: runId }) });
    await row.waitFor();
    return {
      cells: (await row.locator('th, td').allTextContents()).map((t) => t.trim()),
      hashes: await row.locator('td').evaluateAll((cells) => cells.slice(-3).map((c) => c.querySelector('[title]')?.getAttribute('title') ?? null)),
    };
  }
}


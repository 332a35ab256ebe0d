import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

export type EnsembleStateText = 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Interrupted';

/** The Ensembles page (#/ensembles?scenario=x, #/ensembles/<scenario>/<runId>): start, follow, cancel, read. */
export class EnsemblesPage extends StudioPage {
  async openScenario(scenario: string): Promise<void> {
    await this.open(`/ensembles?scenario=${encodeURIComponent(scenario)}`);
    await this.page.getByRole('button', { name: 'Start ensemble' }).waitFor();
  }

  /** Starts an ensemble of `seeds` seeds from the form; returns its run id (the page moves to it). */
  async start(seeds: number): Promise<string> {
    await this.page.getByLabel('Seeds', { exact: true }).fill(String(seeds));
    await this.page.getByRole('button', { name: 'Start ensemble' }).click();
    await this.page.waitForURL(/#\/ensembles\/[^/]+\/[^/?]+$/);
    await this.detail().waitFor();
    return decodeURIComponent(this.page.url().split('/').pop()!);
  }

  /** The section of the ensemble opened. */
  detail(): Locator {
    return this.page.locator('section.ensemble-detail');
  }

  /** "2 of 3 seeds done", as the opened ensemble shows it. */
  progress(): Promise<string> {
    return this.detail().locator('.ensemble-meta .ensemble-progress span').innerText();
  }

  state(): Promise<string> {
    return this.detail().locator('.ensemble-meta .ensemble-state').innerText();
  }

  async waitForState(state: EnsembleStateText, timeout = 90_000): Promise<void> {
    await this.detail().locator('.ensemble-meta .ensemble-state', { hasText: new RegExp(`^${state}$`) }).waitFor({ timeout });
  }

  async cancel(): Promise<void> {
    await this.page.getByRole('button', { name: 'Cancel ensemble' }).click();
  }

  /** Waits for a finished ensemble's results (the table of its seeds is last to come). */
  async waitForResults(timeout = 30_000): Promise<void> {
    await this.table('Seeds').waitFor({ timeout });
  }

  /** The status of each seed, as the Seeds table lists them. */
  async seedStatuses(): Promise<string[]> {
    return this.table('Seeds').locator('tbody tr > :nth-child(2)').allInnerTexts();
  }

  /** The notice over the results ("4 of 6 seeds did not complete"). */
  notice(): Promise<string> {
    return this.detail().locator('.notice strong').innerText();
  }

  /** The list's rows: the state text of each, newest first. */
  listStates(): Promise<string[]> {
    return this.page.locator('table.ensemble-list tbody .ensemble-state').allInnerTexts();
  }

  async chooseMetric(label: string): Promise<void> {
    await this.page.getByLabel('Metric', { exact: true }).selectOption({ label });
    await this.fanTable(label).waitFor();
  }

  /** The caption of a metric's fan-chart table. */
  fanCaption(metricLabel: string): string {
    return `${metricLabel} by year: percentiles of the seeds`;
  }

  fanTable(metricLabel: string): Locator {
    return this.table(this.fanCaption(metricLabel));
  }

  /** The fan chart's canvas (drawn by ECharts) of the chosen metric. */
  fanCanvas(): Locator {
    return this.page.locator('.ensemble-metric figure.chart canvas');
  }

  /**
   * Asks the probability of the chosen metric being `operator value` (typed as an analyst types it:
   * "1,500,000" dollars, "72.5" percent), in `year` or every year; waits for its table (or the error).
   */
  async askThreshold(options: { operator?: '>' | '≥' | '<' | '≤'; value: string; year?: number }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Threshold probability' });
    if (options.operator !== undefined) await form.locator('select').first().selectOption({ label: options.operator });
    await form.locator('input.threshold-value').fill(options.value);
    await form.getByLabel('In', { exact: true }).selectOption({ label: options.year === undefined ? 'every year' : String(options.year) });
    await form.getByRole('button', { name: 'Compute probability' }).click();
    await this.page.locator('.ensemble-threshold').locator('table caption, .field-error').first().waitFor();
  }

  /** The caption of the probability table shown ("P(Total employer plan cost > $1,500,000)"). */
  thresholdCaption(): Promise<string> {
    return this.page.locator('.ensemble-threshold table caption').innerText();
  }

  thresholdError(): Promise<string> {
    return this.page.locator('.ensemble-threshold .field-error').innerText();
  }
}

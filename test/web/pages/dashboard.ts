import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

export type FilterGroup = 'Level' | 'Age band' | 'Tenure band' | 'New-hire cohort';

/** The results dashboard (#/dashboard/<scenario>/<runId>): the run picker, the filters, and a chart with its table per figure. */
export class DashboardPage extends StudioPage {
  /** Opens a run's dashboard ('latest': the scenario's newest run) and waits for its figures. */
  async openRun(scenario: string, runId = 'latest', query = ''): Promise<void> {
    await this.open(`/dashboard/${encodeURIComponent(scenario)}/${encodeURIComponent(runId)}${query === '' ? '' : `?${query}`}`);
    await this.figuresShown();
  }

  /** Waits until the figures on screen are those of the route's filters (not the previous ones still loading). */
  async figuresShown(): Promise<void> {
    const query = await this.page.evaluate(() => location.hash.split('?', 2)[1] ?? '');
    await this.page.locator(`.dashboard[data-shown="${query.replace(/"/g, '\\"')}"][aria-busy="false"]`).waitFor();
    await this.page.locator('figure.chart canvas').first().waitFor();
  }

  /** Picks a run with the picker: the scenario, then (optionally) the run by its option's text. */
  async pickRun(scenario: string, runLabel?: string | RegExp): Promise<void> {
    await this.page.getByLabel('Scenario', { exact: true }).selectOption(scenario);
    await this.page.waitForURL(new RegExp(`#/dashboard/${scenario}/`));
    if (runLabel !== undefined) {
      const select = this.page.getByLabel('Run', { exact: true });
      const option = select.locator('option', { hasText: runLabel });
      await select.selectOption((await option.getAttribute('value'))!);
    }
    await this.figuresShown();
  }

  /** The filter checkbox of a value ("1", "25-34", "Census", "Hired 2025") in a group. */
  filter(group: FilterGroup, value: string): Locator {
    return this.page.locator('fieldset', { has: this.page.locator('legend', { hasText: group }) }).getByRole('checkbox', { name: value, exact: true });
  }

  /** The values a filter group offers, as labelled. */
  filterValues(group: FilterGroup): Promise<string[]> {
    return this.page.locator('fieldset', { has: this.page.locator('legend', { hasText: group }) }).locator('label').allTextContents();
  }

  /** Ticks (or unticks) a filter value and waits for the figures of the new population. */
  async toggleFilter(group: FilterGroup, value: string): Promise<void> {
    await this.filter(group, value).click();
    await this.figuresShown();
  }

  async clearFilters(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear filters' }).click();
    await this.figuresShown();
  }

  /** A headline tile's figure ("Active headcount" -> "197"). */
  async headline(label: string): Promise<string> {
    const tile = this.page.locator('.kpi', { has: this.page.locator('dt', { hasText: label }) });
    return ((await tile.locator('dd').textContent()) ?? '').trim();
  }

  /** Every row of a table as its cells' text (header cells first). */
  async tableRows(caption: string): Promise<string[][]> {
    return this.table(caption)
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));
  }

  /** A notice of the page by its text (the whole-plan note, a missing run). */
  notice(text: string | RegExp): Locator {
    return this.page.locator('.notice', { hasText: text });
  }
}

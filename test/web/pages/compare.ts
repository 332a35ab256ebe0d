import { StudioPage } from './base.js';

/** The compare page (#/compare?run=<scenario>/<runId>&...&baseline=...&rate=...): matrices, deltas, config diff. */
export class ComparePage extends StudioPage {
  /** Opens a comparison of runs ("scenario/runId") and waits for it. */
  async openRuns(runs: readonly string[], baseline?: string, rate?: number): Promise<void> {
    const params = new URLSearchParams();
    for (const r of runs) params.append('run', r);
    if (baseline !== undefined) params.set('baseline', baseline);
    if (rate !== undefined) params.set('rate', String(rate));
    await this.open(`/compare?${params}`);
    await this.comparisonShown();
  }

  /** Waits until the comparison on screen is the route's (runs, baseline and rate). */
  async comparisonShown(): Promise<void> {
    const shown = await this.page.evaluate(() => {
      const q = new URLSearchParams(location.hash.split('?', 2)[1] ?? '');
      const runs = q.getAll('run');
      return `${runs.join(',')}|${q.get('baseline') ?? runs[0]}|${Number(q.get('rate') ?? 0)}`;
    });
    await this.page.locator(`.comparison[data-shown="${shown}"]`).waitFor();
  }

  /** Picks the baseline by its short label ("default") and waits for the new deltas. */
  async chooseBaseline(label: string): Promise<void> {
    await this.page.getByLabel('Baseline').selectOption({ label });
    await this.comparisonShown();
  }

  /** Types the discount rate (percent a year) and waits for the present value at it. */
  async setDiscountRate(percent: number): Promise<void> {
    const input = this.page.getByLabel('Discount rate of the present value');
    await input.fill(String(percent));
    await input.press('Tab');
    await this.page.waitForURL(new RegExp(`rate=${percent}`));
    await this.comparisonShown();
  }

  /** Ticks or unticks a run in the picker (by its scenario, when it has one run). */
  async toggleRun(scenario: string): Promise<void> {
    await this.page.locator('.compare-runs label', { has: this.page.locator('strong', { hasText: new RegExp(`^${scenario}$`) }) }).getByRole('checkbox').click();
  }
}

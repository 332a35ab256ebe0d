import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

/** An event as the vertical timeline shows it. */
export interface ShownEvent {
  date: string;
  /** The engine's event type (data-type), e.g. 'hire'. */
  type: string;
  /** The Studio's words for it ("Hired"). */
  label: string;
  change: string;
}

/** The Employee timeline (#/timeline, #/timeline/<scenario>/<runId>[/<employeeId>]). */
export class TimelinePage extends StudioPage {
  /** Picks a run in the run picker (its value is "<scenario>/<runId>"). */
  async pickRun(scenario: string, runId: string): Promise<void> {
    await this.page.getByLabel('Run', { exact: true }).selectOption(`${scenario}/${runId}`);
    await this.page.waitForURL(new RegExp(`#/timeline/${scenario}/${runId}$`));
  }

  pickedRun(): Promise<string> {
    return this.page.getByLabel('Run', { exact: true }).inputValue();
  }

  /** Types into the search box and waits for the list answering that text (its data-query). */
  async search(text: string): Promise<void> {
    await this.page.getByLabel('Employee id contains').fill(text);
    await this.page.waitForFunction((t) => document.querySelector('.employee-results')?.getAttribute('data-query') === t, text.trim());
  }

  /** Waits for the first answer of the search box (every employee, before anything is typed). */
  async waitForMatches(): Promise<void> {
    await this.page.locator('.employee-results').waitFor();
  }

  matches(): Promise<string[]> {
    return this.page.locator('.employee-matches .employee-id').allInnerTexts();
  }

  /** The match marked as the employee shown. */
  currentMatch(): Promise<string> {
    return this.page.locator('.employee-matches a[aria-current="page"] .employee-id').innerText();
  }

  /** Opens an employee from the matches and waits for the timeline. */
  async pick(employeeId: string): Promise<void> {
    await this.page.locator('.employee-matches a', { has: this.page.locator('.employee-id', { hasText: employeeId }) }).click();
    await this.timelineOf(employeeId).waitFor();
  }

  /** The vertical timeline of the employee shown. */
  timelineOf(employeeId: string): Locator {
    return this.page.getByRole('list', { name: `Events of ${employeeId} by year` });
  }

  /** The year headings of the vertical timeline, in order. */
  async years(employeeId: string): Promise<string[]> {
    return this.timelineOf(employeeId).locator('.timeline-year > h3').allInnerTexts();
  }

  /** The events of the vertical timeline, in order. */
  async events(employeeId: string): Promise<ShownEvent[]> {
    return this.timelineOf(employeeId)
      .locator('li.timeline-event')
      .evaluateAll((items) =>
        items.map((li) => ({
          date: li.querySelector('time')!.textContent!,
          type: li.getAttribute('data-type')!,
          label: li.querySelector('strong')!.textContent!,
          change: li.querySelector('.timeline-change')!.textContent!,
        })),
      );
  }

  /** The year-end line under each year ("Year end: active, level 2, …"). */
  yearEnds(employeeId: string): Promise<string[]> {
    return this.timelineOf(employeeId).locator('.timeline-state').allInnerTexts();
  }

  /** The error shown in place of the timeline. */
  error(): Locator {
    return this.page.locator('.employee-timeline [role="alert"]');
  }
}

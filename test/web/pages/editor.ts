import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

export type EditorTab = 'Plan design' | 'All settings' | 'YAML' | 'Diff';

/**
 * The plan design editor (#/scenarios/<name>/edit). Fields and table cells are found by the config key
 * they write (their data-key: employer_match.formulas.tiered_match.tiers[2].match_rate), as validate names them.
 */
export class EditorPage extends StudioPage {
  async openScenario(name: string): Promise<void> {
    await this.open(`/scenarios/${encodeURIComponent(name)}/edit`);
    await this.waitStatus('Valid');
  }

  async tab(label: EditorTab): Promise<void> {
    await this.page.getByRole('tab', { name: label, exact: true }).click();
  }

  /** The validation badge: Valid, Checking…, "N problems", "YAML does not parse". */
  status(): Locator {
    return this.page.locator('.editor-status');
  }

  async waitStatus(text: string | RegExp): Promise<void> {
    await this.page.locator('.editor-status', { hasText: text }).waitFor();
  }

  /** The field (or list cell) of a key. */
  field(key: string): Locator {
    return this.page.locator(`[data-key="${key}"]`).first();
  }

  input(key: string): Locator {
    return this.field(key).locator('input, select').first();
  }

  /** Sets a key's input as an analyst does: picks the option, or types and leaves the box (which commits it). */
  async set(key: string, value: string): Promise<void> {
    const input = this.input(key);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') {
      await input.selectOption(value);
    } else {
      await input.fill(value);
      await input.press('Tab');
    }
  }

  async chooseFormula(name: string): Promise<void> {
    await this.page.getByLabel('Active formula').selectOption(name);
    await this.page.getByRole('group', { name: `Formula ${name}` }).waitFor();
  }

  async addRow(label: string): Promise<void> {
    await this.page.getByRole('button', { name: label, exact: true }).click();
  }

  /** The inline message under a key's field or cell ('' when none). */
  fieldError(key: string): Locator {
    return this.field(key).locator('.field-error');
  }

  /** validate's problems listed above the tabs. */
  problems(): Promise<string[]> {
    return this.page.locator('.problem-list li').allTextContents();
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    await this.page.locator('.notice', { hasText: /Saved scenario|Not saved/ }).waitFor();
  }

  savedNotice(): Locator {
    return this.page.locator('.notice', { hasText: /Saved scenario|Not saved/ });
  }

  async revert(): Promise<void> {
    await this.page.getByRole('button', { name: 'Revert', exact: true }).click();
  }

  yamlText(): Locator {
    return this.page.getByLabel('Scenario YAML');
  }

  /** Replaces the whole YAML, as pasting it does (fill() inserts 33 kB in seconds; this is one input event). */
  async setYaml(text: string): Promise<void> {
    await this.yamlText().evaluate((el, value) => {
      (el as HTMLTextAreaElement).value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
  }

  async search(text: string): Promise<void> {
    await this.page.getByPlaceholder('name or description').fill(text);
  }

  async section(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Config sections' }).getByRole('button', { name: label }).click();
    await this.page.getByRole('region', { name: label }).waitFor();
  }

  async compareWith(scenario: string): Promise<void> {
    await this.page.getByLabel('Compare with').selectOption(scenario);
    await this.table(`Differences from ${scenario}`).waitFor();
  }
}

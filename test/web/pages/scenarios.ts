import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

const CAPTION = 'Scenarios';

/** The Scenarios page: the list with each scenario's links, and its create, copy, rename and delete dialogs. */
export class ScenariosPage extends StudioPage {
  async openList(): Promise<void> {
    await this.open('/scenarios');
    await this.table(CAPTION).waitFor();
  }

  /** The scenarios listed, in order. */
  names(): Promise<string[]> {
    return this.table(CAPTION).locator('tbody th').allTextContents();
  }

  /** The open dialog. */
  dialog(): Locator {
    return this.page.locator('dialog[open]');
  }

  /** Fills the new-scenario dialog: a name and a template (by its label); returns the template's description. */
  async startCreate(name: string, template: string): Promise<string> {
    await this.page.getByRole('button', { name: 'New scenario' }).first().click();
    const dialog = this.dialog();
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Start from').selectOption({ label: template });
    return (await dialog.locator('.template-pick .field-desc').textContent()) ?? '';
  }

  /** Creates the scenario the dialog describes and waits for its plan design editor. */
  async confirmCreate(name: string): Promise<void> {
    await this.dialog().getByRole('button', { name: 'Create' }).click();
    await this.page.waitForURL(`**/#/scenarios/${encodeURIComponent(name)}/edit`);
  }

  async create(name: string, template: string): Promise<void> {
    await this.startCreate(name, template);
    await this.confirmCreate(name);
  }

  /** Opens the copy or rename dialog of a scenario and types the new name; `confirm` presses its button. */
  async nameAction(action: 'Copy' | 'Rename', from: string, to: string, confirm = true): Promise<void> {
    await this.page.getByRole('button', { name: `${action} ${from}`, exact: true }).click();
    const input = this.dialog().getByRole('textbox');
    await input.fill(to);
    if (confirm) await this.dialog().getByRole('button', { name: action, exact: true }).click();
  }

  /** Copies or renames and waits for the list to show the new name. */
  async copy(from: string, to: string): Promise<void> {
    await this.nameAction('Copy', from, to);
    await this.row(CAPTION, to).waitFor();
  }

  async rename(from: string, to: string): Promise<void> {
    await this.nameAction('Rename', from, to);
    await this.row(CAPTION, to).waitFor();
    await this.row(CAPTION, from).waitFor({ state: 'detached' });
  }

  /** Opens the delete confirmation of a scenario (not confirmed yet). */
  async askDelete(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await this.dialog().waitFor();
    return this.dialog();
  }

  async confirmDelete(name: string): Promise<void> {
    await this.dialog().getByRole('button', { name: 'Delete', exact: true }).click();
    await this.row(CAPTION, name).waitFor({ state: 'detached' });
  }

  async cancelDialog(): Promise<void> {
    await this.dialog().getByRole('button', { name: 'Cancel' }).click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** The error the open dialog shows (a refused name). */
  dialogError(): Locator {
    return this.dialog().locator('.field-error, .notice-error');
  }

  /** A row's link (Edit, Run, Dashboard). */
  rowLink(name: string, label: 'Edit' | 'Run'): Locator {
    return this.row(CAPTION, name).getByRole('link', { name: `${label} ${name}`, exact: true });
  }
}

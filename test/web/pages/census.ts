import type { Locator } from 'playwright-core';
import { StudioPage } from './base.js';

export type CensusTab = 'Mapping and problems' | 'Preview' | 'Profile';

/** The census page (#/census): the files, one file's mapping and problems, its preview and profile. */
export class CensusPage extends StudioPage {
  /** Opens the list, or a file's view. */
  async openCensus(file?: string): Promise<void> {
    await this.open(file === undefined ? '/census' : `/census?file=${encodeURIComponent(file)}`);
    await this.table('Census files').or(this.page.getByText('No census files yet')).waitFor();
  }

  /** The names in the list of census files. */
  files(): Promise<string[]> {
    return this.table('Census files').locator('tbody th').allTextContents();
  }

  /** Uploads a file through the page's picker and waits for its view. */
  async upload(name: string, bytes: Buffer): Promise<void> {
    await this.page.getByLabel('Census file to upload').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
    await this.fileHeading().filter({ hasText: name }).waitFor();
  }

  /** Uploads a file of a name the workspace has, confirming the replacement; waits for its (mapping) view. */
  async uploadReplacing(name: string, bytes: Buffer): Promise<void> {
    await this.page.getByLabel('Census file to upload').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
    await this.page.getByRole('dialog', { name: `Replace ${name}?` }).getByRole('button', { name: 'Replace' }).click();
    await this.page.getByRole('tab', { name: 'Mapping and problems', selected: true }).waitFor();
  }

  fileHeading(): Locator {
    return this.page.locator('#census-file-title');
  }

  /** Opens a file's view from the list. */
  async select(file: string): Promise<void> {
    await this.table('Census files').getByRole('link', { name: file, exact: true }).click();
    await this.fileHeading().filter({ hasText: file }).waitFor();
  }

  /** The intake check's headline (valid or refused), once it is known. */
  async checkResult(): Promise<string> {
    const headline = this.page.locator('.census-mapping section').first().locator('.notice > strong');
    await headline.waitFor();
    return ((await headline.textContent()) ?? '').trim();
  }

  /** The problems table, each row's cells by column. */
  async problems(): Promise<Array<{ row: string; column: string; value: string; problem: string }>> {
    const table = this.table('Intake problems');
    await table.waitFor();
    return table.locator('tbody tr').evaluateAll((rows) =>
      rows.map((r) => {
        const [row, column, value, problem] = [...r.children].map((c) => (c.textContent ?? '').trim());
        return { row: row!, column: column!, value: value!, problem: problem! };
      }),
    );
  }

  /** The file header a census column is read from ('' for none). */
  mappedHeader(column: string): Promise<string> {
    return this.page.getByLabel(column, { exact: true }).inputValue();
  }

  async mapColumn(column: string, header: string): Promise<void> {
    await this.page.getByLabel(column, { exact: true }).selectOption(header);
  }

  /** Checks the file with the mapping on screen and returns the headline. */
  async checkMapping(): Promise<string> {
    await this.page.getByRole('button', { name: 'Check with this mapping' }).click();
    await this.idle();
    return this.checkResult();
  }

  /** Saves the mapping on screen as the file's sidecar; returns the path the page names. */
  async saveMapping(): Promise<string> {
    await this.page.getByRole('button', { name: 'Save mapping' }).click();
    const saved = this.page.locator('.notice', { hasText: 'Mapping saved' }).locator('code');
    await saved.waitFor();
    await this.idle();
    return (await saved.textContent()) ?? '';
  }

  /** Waits until no check or save is going on. */
  private async idle(): Promise<void> {
    await this.page.locator('.census-actions button:disabled').first().waitFor({ state: 'detached' });
  }

  async openTab(tab: CensusTab): Promise<void> {
    await this.page.getByRole('tab', { name: tab }).click();
    await this.page.getByRole('tab', { name: tab, selected: true }).waitFor();
  }

  /** The profile's headline figures by label. */
  async figures(): Promise<Record<string, string>> {
    const list = this.page.locator('.census-figures');
    await list.waitFor();
    return list.locator('div').evaluateAll((items) =>
      Object.fromEntries(items.map((i) => [i.querySelector('dt')?.textContent ?? '', i.querySelector('dd')?.textContent ?? ''])),
    );
  }

  /** Deletes the open file, confirming in the dialog. */
  async deleteFile(): Promise<void> {
    const file = (await this.fileHeading().textContent()) ?? '';
    await this.page.locator('.census-file-header').getByRole('button', { name: 'Delete' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Delete ${file}?` });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await this.fileHeading().waitFor({ state: 'detached' });
  }
}

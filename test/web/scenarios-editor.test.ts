import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Page } from 'playwright-core';
import { EditorPage } from './pages/editor.js';
import { ScenariosPage } from './pages/scenarios.js';
import { screenshot, startBrowserStudio, type BrowserStudio } from './support.js';

// Needs `npm run build` (dist/web is what the Studio serves).
let env: BrowserStudio;
let page: Page;
let list: ScenariosPage;
let editor: EditorPage;

const TIERS = 'employer_match.formulas.tiered_match.tiers';

beforeAll(async () => {
  env = await startBrowserStudio();
  page = await env.newPage();
  list = new ScenariosPage(page);
  editor = new EditorPage(page);
});
afterAll(() => env.close());

const saved = (name: string): string => readFileSync(env.ws.scenarioFile(name), 'utf8');

describe('designing a plan in chromium', () => {
  it('creates a scenario, turns its match into a tiered design in the form, names an invalid value inline, saves and keeps it', async () => {
    await list.openList();
    expect(await list.names()).toEqual(['default']);
    await screenshot(page, 'scenarios-list');

    await list.create('pilot', 'Default plan');
    await editor.waitStatus('Valid');
    const created = saved('pilot');
    expect(parse(created).employer_match.active_formula).toBe('simple_match');
    await screenshot(page, 'editor-design');

    // The tiered design: the bundled tiered_match formula (100 % of the first 3 %, 50 % of the next 2 %) plus a third tier.
    await editor.chooseFormula('tiered_match');
    expect(await editor.input(`${TIERS}[1].match_rate`).inputValue()).toBe('0.5');
    await editor.addRow('Add tier');
    // The new tier starts where the last ended and is as wide: 5 % to 7 % of pay.
    expect(await editor.input(`${TIERS}[2].tier`).inputValue()).toBe('3');
    expect(await editor.input(`${TIERS}[2].employee_min`).inputValue()).toBe('0.05');
    expect(await editor.input(`${TIERS}[2].employee_max`).inputValue()).toBe('0.07');
    // A fourth tier, removed again: its lines go, the three stay.
    await editor.addRow('Add tier');
    expect(await editor.input(`${TIERS}[3].tier`).inputValue()).toBe('4');
    await page.getByRole('button', { name: 'Remove tier 4' }).click();
    await editor.field(`${TIERS}[3].tier`).waitFor({ state: 'detached' });
    await editor.set(`${TIERS}[2].match_rate`, '-0.25');
    await editor.waitStatus('1 problem');
    expect(await editor.fieldError(`${TIERS}[2].match_rate`).textContent()).toBe('must be >= 0 (got -0.25)');
    expect(await editor.problems()).toEqual([`${TIERS}[2].match_rate: must be >= 0 (got -0.25)`]);
    await screenshot(page, 'editor-invalid');
    // Saving an invalid design is refused by the server, and nothing is written.
    await editor.save();
    expect(await editor.savedNotice().textContent()).toContain(`scenario pilot not saved: ${TIERS}[2].match_rate: must be >= 0`);
    expect(saved('pilot')).toBe(created);

    await editor.set(`${TIERS}[2].match_rate`, '0.25');
    await editor.waitStatus('Valid');
    expect(await editor.fieldError(`${TIERS}[2].match_rate`).count()).toBe(0);
    await editor.set(`employer_match.formulas.tiered_match.max_match_percentage`, '0.045');
    await editor.waitStatus('Valid');
    await editor.save();
    expect(await editor.savedNotice().textContent()).toBe('Saved scenario pilot.');

    const yaml = saved('pilot');
    const match = parse(yaml).employer_match;
    expect(match.active_formula).toBe('tiered_match');
    expect(match.formulas.tiered_match.tiers).toEqual([
      { tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 1 },
      { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
      { tier: 3, employee_min: 0.05, employee_max: 0.07, match_rate: 0.25 },
    ]);
    // A value changed where it stands: its line's comment and quoting kept, the keys around it byte for byte.
    expect(yaml).toContain("  active_formula: 'tiered_match'  # Options: 'simple_match', 'tiered_match', 'stretch_match'\n");
    expect(yaml).toContain('      max_match_percentage: 0.045  # Cap at 4% of compensation\n');
    expect(yaml).toContain('      match_rate: 0.50  # 50% match on all deferrals\n');

    // A reload reads the saved file: the design is kept.
    await page.reload();
    await editor.waitStatus('Valid');
    expect(await page.getByLabel('Active formula').inputValue()).toBe('tiered_match');
    expect(await editor.input(`${TIERS}[2].match_rate`).inputValue()).toBe('0.25');
    expect(await editor.input(`${TIERS}[2].employee_max`).inputValue()).toBe('0.07');

    // Every other key: a section at a time, or found by name or description.
    await editor.tab('All settings');
    await editor.section('Compliance');
    await editor.set('compliance.testing_method', 'prior_year');
    await editor.search('minimum_hours_annual');
    await page.getByRole('region', { name: 'Search results' }).waitFor();
    // Found by name, and by description (the dc_plan keys that set it).
    expect(await page.locator('.settings-main [data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual([
      'dc_plan.core_min_hours_annual',
      'dc_plan.match_min_hours_annual',
      'employer_core_contribution.eligibility.minimum_hours_annual',
      'employer_match.eligibility.minimum_hours_annual',
    ]);
    await editor.set('employer_match.eligibility.minimum_hours_annual', '9000');
    await editor.waitStatus('1 problem');
    expect(await editor.fieldError('employer_match.eligibility.minimum_hours_annual').textContent()).toBe('must be between 0 and 8784 (got 9000)');
    await screenshot(page, 'editor-settings');
    await editor.set('employer_match.eligibility.minimum_hours_annual', '1200');
    await editor.waitStatus('Valid');

    // The YAML tab holds the same text: the form's unsaved changes are in it, and its errors are named the same way.
    await editor.tab('YAML');
    const text = await editor.yamlText().inputValue();
    expect(text).toContain("testing_method: prior_year");
    expect(text).toContain('minimum_hours_annual: 1200     # Minimum hours worked (default: 1000)');
    await editor.setYaml(text.replace('max_match_percentage: 0.045', 'max_match_percentage: 1.5'));
    await editor.waitStatus('1 problem');
    expect(await editor.problems()).toEqual(['employer_match.formulas.tiered_match.max_match_percentage: must be between 0 and 1 (got 1.5)']);
    await editor.setYaml(`${text}\nbroken: [1, 2\n`);
    await editor.waitStatus('YAML does not parse');
    await page.getByText('The YAML does not parse').first().waitFor();
    await screenshot(page, 'editor-yaml-error');
    await editor.setYaml(text);
    await editor.waitStatus('Valid');

    // The diff against default: what pilot (with its unsaved changes) sets differently.
    await editor.tab('Diff');
    await editor.compareWith('default');
    const diff = 'Differences from default';
    expect(await editor.cellText(diff, 'employer_match.active_formula', 'In default')).toBe('simple_match');
    expect(await editor.cellText(diff, 'employer_match.active_formula', 'In pilot')).toBe('tiered_match');
    // default's file has no compliance section: the whole section is the difference.
    expect(await editor.cellText(diff, 'compliance', 'In default')).toBe('not set');
    expect(await editor.cellText(diff, 'compliance', 'In pilot')).toBe('{"testing_method":"prior_year","top_heavy_minimum":"report","top_paid_group_election":false}');
    expect(await editor.cellText(diff, 'employer_match.eligibility.minimum_hours_annual', 'In default')).toBe('1000');
    expect(await editor.cellText(diff, 'employer_match.eligibility.minimum_hours_annual', 'In pilot')).toBe('1200');
    await screenshot(page, 'editor-diff');
    expect(env.pageErrors).toEqual([]);
  });

  it('creates from a template, copies, renames, refuses a taken name, and deletes only after the confirm', async () => {
    await list.openList();
    // A name already taken is refused in the dialog, which stays open.
    await list.startCreate('default', 'Default plan');
    await list.dialog().getByRole('button', { name: 'Create' }).click();
    await list.dialogError().waitFor();
    expect(await list.dialogError().textContent()).toBe('Scenario default exists');
    await list.cancelDialog();
    expect(await list.startCreate('harbor', 'Safe-harbor basic match')).toBe(
      'The basic safe-harbor match (100 % of the first 3 %, 50 % of the next 2 %), vested immediately, and no core contribution.',
    );
    await screenshot(page, 'scenarios-create');
    await list.confirmCreate('harbor');
    await editor.waitStatus('Valid');
    const harbor = parse(saved('harbor'));
    expect(harbor.employer_match.active_formula).toBe('safe_harbor_basic');
    expect(harbor.employer_core_contribution.enabled).toBe(false);
    // The template's design shows in the form: a built-in preset, no core.
    await page.getByText('safe_harbor_basic is a built-in preset').waitFor();
    expect(await editor.input('employer_core_contribution.enabled').inputValue()).toBe('false');

    await list.openList();
    await list.copy('harbor', 'harbor-b');
    expect(saved('harbor-b')).toBe(saved('harbor'));
    await list.rename('harbor-b', 'harbor-2');
    expect(existsSync(env.ws.scenarioFile('harbor-b'))).toBe(false);
    expect(await list.names()).toEqual(['default', 'harbor', 'harbor-2', 'pilot']);

    await list.nameAction('Rename', 'harbor-2', 'default');
    await list.dialogError().waitFor();
    expect(await list.dialogError().textContent()).toBe('Scenario default exists');
    await list.cancelDialog();

    const dialog = await list.askDelete('harbor-2');
    expect(await dialog.getByRole('heading').textContent()).toBe('Delete harbor-2?');
    await screenshot(page, 'scenarios-delete-confirm');
    await list.cancelDialog();
    expect(existsSync(env.ws.scenarioFile('harbor-2'))).toBe(true);
    await list.askDelete('harbor-2');
    await list.confirmDelete('harbor-2');
    expect(existsSync(env.ws.scenarioFile('harbor-2'))).toBe(false);
    expect(await list.names()).toEqual(['default', 'harbor', 'pilot']);
    expect(await list.rowLink('pilot', 'Edit').getAttribute('href')).toBe('#/scenarios/pilot/edit');
    expect(await list.rowLink('pilot', 'Run').getAttribute('href')).toBe('#/runs?scenario=pilot');
    await screenshot(page, 'scenarios-after');

    // The header's "Plan design" without a scenario: pick one.
    await list.navigate('Plan design');
    const pick = page.getByRole('list', { name: 'Scenarios to edit' });
    await pick.waitFor();
    expect(await pick.getByRole('link').allTextContents()).toEqual(['default', 'harbor', 'pilot']);
    await screenshot(page, 'editor-pick');
    await pick.getByRole('link', { name: 'harbor' }).click();
    await editor.waitStatus('Valid');
    expect(page.url()).toMatch(/#\/scenarios\/harbor\/edit$/);
    expect(env.pageErrors).toEqual([]);
  });

  it('reads well dark and in a narrow window', async () => {
    await editor.openScenario('pilot');
    await editor.toggleTheme();
    expect(await editor.theme()).toBe('dark');
    await screenshot(page, 'editor-dark');
    await list.openList();
    await screenshot(page, 'scenarios-dark');
    await editor.toggleTheme();

    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'scenarios-narrow');
    await editor.openScenario('pilot');
    await screenshot(page, 'editor-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await editor.tab('All settings');
    await screenshot(page, 'editor-settings-narrow');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(env.pageErrors).toEqual([]);
  });
});

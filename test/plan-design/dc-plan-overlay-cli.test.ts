/**
 * A config in the 2026 keys with the Studio's dc_plan overlay runs end to end, and the run output
 * names dc_plan as the source of each value it set, beside what the YAML says (text and --json).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeCensus, query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const FIXTURE = 'test/fixtures/plan-design/studio-2026.yaml';
const tempDir = useTempDir();

describe('simulate with a dc_plan overlay', () => {
  it('runs, pays as dc_plan says and shows dc_plan as the source of what it set', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 150, 5);
    const database = join(dir, 'studio.duckdb');
    const result = runCli(['simulate', '2025', '-c', FIXTURE, '--census', census, '--database', database]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '  employer core    1% of pay (from dc_plan.core_contribution_rate_percent, dc_plan.core_status; config says by years of service: 0-2: 1%, 3-5: 2%, 6+: 3% of pay)\n',
    );
    expect(result.stdout).toMatch(/\n {2}employer match {3}tiered_match \(tiered\): 100% of the first 3%, 50% of the next 2%; at most 4% of pay \(from dc_plan\.match_template, dc_plan\.match_tiers, dc_plan\.match_cap_percent, dc_plan\.match_status; config says graded_by_service, /);
    expect(result.stdout).toContain('  override         plan_eligibility.waiting_period_days 90 (from dc_plan.eligibility_months; config says 0)\n');
    expect(result.stderr).toContain('config key(s) accepted but ignored');

    // The flat 1 % of dc_plan, not the YAML's graded schedule: every core contribution is 1 % of its pay.
    const rates = await query<{ rate: number }>(
      database,
      `SELECT DISTINCT round(employer_core_amount / eligible_compensation, 4) AS rate FROM int_employer_core_contributions
       WHERE simulation_year = 2025 AND employer_core_amount > 0`,
    );
    expect(rates).toEqual([{ rate: 0.01 }]);

    const json = runCli(['simulate', '2025', '-c', FIXTURE, '--census', census, '--database', ':memory:', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const summary = JSON.parse(json.stdout.trim().split('\n').at(-1) as string) as { overrides: Array<Record<string, unknown>> };
    expect(summary.overrides).toContainEqual({
      key: 'employer_core_contribution.status',
      value: 'flat',
      source: 'dc_plan.core_status',
      overridden_sources: [],
      config_value: 'graded_by_service',
      same_as_config: false,
    });
  }, 120_000);
});

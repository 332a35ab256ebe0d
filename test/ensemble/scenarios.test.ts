import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fanChart, formatEnsembleTables } from '../../src/ensemble/outputs.js';
import { ensembleMetric } from '../../src/ensemble/metrics.js';
import { writeEnsembleDatabase } from '../../src/ensemble/aggregate.js';
import { ensembleScenarios } from '../../src/ensemble/scenarios.js';
import { parseThreshold } from '../../src/ensemble/thresholds.js';
import { defaultConfigObject, makeCensus } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { jobResult } from './helpers.js';

describe("an ensemble's scenarios", () => {
  const tempDir = useTempDir();

  it('without a scenarios folder: one, default, the config as simulate reads it with the overrides written in', async () => {
    const dir = tempDir();
    await makeCensus(dir, 20);
    const config = defaultConfigObject();
    // Relative to the config's folder: found there, as simulate finds it.
    config.setup.census_parquet_path = 'census_20_7.parquet';
    writeFileSync(join(dir, 'config.yaml'), stringify(config));
    const { sources } = ensembleScenarios({
      config: join(dir, 'config.yaml'),
      censusIntake: { separator: ';' },
      years: { startYear: 2026, endYear: 2027 },
      seed: 9,
      growth: 0.05,
      env: { PLANALIGN_SIMULATION__TARGET_GROWTH_RATE: '0.01', PLANALIGN_COMPENSATION__COLA_RATE: '0.02' },
    });
    expect(sources).toHaveLength(1);
    const [source] = sources;
    expect(source).toMatchObject({ name: 'default', census: join(dir, 'census_20_7.parquet'), censusIntake: { separator: ';' } });
    expect(source!.config.simulation).toMatchObject({ start_year: 2026, end_year: 2027, random_seed: 9, target_growth_rate: 0.05 });
    expect(source!.config.compensation).toMatchObject({ cola_rate: 0.02 });
    expect((source!.config.setup as Record<string, unknown>).census_parquet_path).toBe(join(dir, 'census_20_7.parquet'));
  });

  it('with a scenarios folder: one per file, laid over the config as batch does, the overrides on each', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 20);
    const config = defaultConfigObject();
    config.setup.census_parquet_path = census;
    writeFileSync(join(dir, 'base.yaml'), stringify(config));
    mkdirSync(join(dir, 'scenarios'));
    writeFileSync(join(dir, 'scenarios', 'high.yaml'), stringify({ simulation: { target_growth_rate: 0.08 } }));
    writeFileSync(join(dir, 'scenarios', 'low.yaml'), stringify({ compensation: { cola_rate: 0.001 } }));
    const { sources } = ensembleScenarios({
      config: join(dir, 'base.yaml'),
      scenariosDir: join(dir, 'scenarios'),
      censusIntake: {},
      years: { startYear: 2025, endYear: 2025 },
      env: {},
    });
    expect(sources.map((s) => [s.name, s.census, (s.config.simulation as Record<string, unknown>).end_year])).toEqual([
      ['high', census, 2025],
      ['low', census, 2025],
    ]);
    expect(sources[0]!.config.simulation).toMatchObject({ target_growth_rate: 0.08 });
    expect(sources[1]!.config.compensation).toMatchObject({ cola_rate: 0.001 });
  });
});

describe("an ensemble's charts and console tables", () => {
  const tempDir = useTempDir();

  it('draws a fan per scenario (median, P25–P75, P5–P95), a compliance test as its pass rate; tables per scenario', async () => {
    const years = [2025, 2026];
    const results = [1, 2, 3].flatMap((seed) => [
      jobResult('base', seed, years, undefined, () => ({ adp: seed !== 2 })),
      jobResult('rich', seed, years, (_, metric) => (metric === 'total_employer_plan_cost' ? 5000 + seed : undefined)),
    ]);
    const tables = await writeEnsembleDatabase(join(tempDir(), 'e.duckdb'), results, ['base', 'rich'], [parseThreshold('total_employer_plan_cost>5001')]);

    const cost = fanChart(ensembleMetric('total_employer_plan_cost')!, tables, ['base', 'rich']);
    expect(cost).toMatchObject({ title: 'Total employer plan cost over 3 seeds', unit: 'usd', categories: [2025, 2026] });
    expect(cost.series.map((s) => [s.name, s.bands?.map((b) => b.label)])).toEqual([
      ['base median', ['base P5–P95', 'base P25–P75']],
      ['rich median', ['rich P5–P95', 'rich P25–P75']],
    ]);
    // base: 8000 + seed in 2025, +10 in 2026; rich: 5000 + seed both years.
    expect(cost.series[0]!.values).toEqual([8002, 8012]);
    const band = cost.series[1]!.bands![0]!;
    expect(band.label).toBe('rich P5–P95');
    [...band.lower, ...band.upper].forEach((v, i) => expect(v).toBeCloseTo([5001.1, 5001.1, 5002.9, 5002.9][i]!, 9));
    const adp = fanChart(ensembleMetric('compliance_adp_passed')!, tables, ['base', 'rich']);
    expect(adp.series.map((s) => [s.name, s.values, s.bands])).toEqual([
      ['base pass rate', [2 / 3, 2 / 3], undefined],
      ['rich pass rate', [1, 1], undefined],
    ]);

    const text = formatEnsembleTables(tables, ['base', 'rich']).join('\n');
    expect(text).toContain('Scenario rich, 2026, over 3 seeds:');
    expect(text).toMatch(/Total employer plan cost +\$5,001 +\$5,002 +\$5,003/);
    expect(text).toMatch(/Total employer plan cost > \$5,001 +2026 +66\.7 %/);
  });
});

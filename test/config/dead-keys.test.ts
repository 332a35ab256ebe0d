/**
 * The dead-key guard (issue 9; how it works: dead-keys.guard.ts): its checks of the perturbations
 * themselves, and the first of its shards (dead-keys-2/3.test.ts run the others side by side).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrchestratorBuilder } from '../../src/factory.js';
import { ALWAYS_FAILING_RULE, setConfigPath, writeSegmentedCensus } from '../support/config-perturbation.js';
import { defaultConfigObject } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { applied, DEAD_KEY_SHARDS, describeShard, shardKeys } from './dead-keys.guard.js';
import { PERTURBATIONS } from './dead-keys.perturbations.js';

const tempDir = useTempDir();

describe('dead-key guard', () => {
  it('has a perturbation for every applied key, and none for other keys', () => {
    expect(applied.filter((key) => !Object.hasOwn(PERTURBATIONS, key)), 'applied keys without a perturbation').toEqual([]);
    expect(Object.keys(PERTURBATIONS).filter((key) => !applied.includes(key)), 'perturbations of keys not applied').toEqual([]);
  });

  it('runs its simulations with its one rule only', async () => {
    const dir = tempDir();
    const census = join(dir, 'census.csv');
    writeSegmentedCensus(census, 10, 7);
    const config = defaultConfigObject();
    setConfigPath(config, 'setup.census_parquet_path', census);
    const rulesOf = async (builder: OrchestratorBuilder): Promise<string[]> => {
      const orchestrator = await builder
        .withConfig(config)
        .withEnvironment({})
        .withDatabase(':memory:')
        .withCustomValidator(ALWAYS_FAILING_RULE)
        .build();
      try {
        return orchestrator.plan().years[0]?.stages.flatMap((stage) => stage.rules) ?? [];
      } finally {
        orchestrator.close();
      }
    };
    expect(await rulesOf(new OrchestratorBuilder().withoutDefaultRules())).toEqual([ALWAYS_FAILING_RULE.name]);
    expect((await rulesOf(new OrchestratorBuilder())).length).toBeGreaterThan(20);
  });

  it('deals every checked key to exactly one shard', () => {
    const dealt = Array.from({ length: DEAD_KEY_SHARDS }, (_, shard) => shardKeys(shard)).flat();
    expect(dealt.sort()).toEqual(applied.filter((key) => Object.hasOwn(PERTURBATIONS, key)).sort());
  });
});

describeShard(1);

import { UsageError } from '../errors.js';

/** The reference's spacing of an ensemble's seeds: seed k = random_seed + 1001·k. */
export const SEED_STEP = 1001;

/**
 * The seeds of an ensemble: `--seeds N` gives random_seed + 1001·k for k = 0..N−1 (the reference's
 * derivation), `--seed-list 1,2,3` exactly those (whole numbers, each once). One of the two.
 */
export function ensembleSeeds(randomSeed: number, options: { seeds?: string | undefined; seedList?: string | undefined }): number[] {
  if ((options.seeds === undefined) === (options.seedList === undefined)) {
    throw new UsageError('Give the seeds with one of --seeds N or --seed-list 1,2,3');
  }
  if (options.seeds !== undefined) {
    const text = options.seeds.trim();
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--seeds must be a whole number of at least 1, got "${options.seeds}"`);
    return Array.from({ length: Number(text) }, (_, k) => randomSeed + SEED_STEP * k);
  }
  const items = (options.seedList as string).split(',').map((s) => s.trim());
  const seeds = items.map((item) => {
    if (!/^-?\d+$/.test(item) || !Number.isSafeInteger(Number(item))) {
      throw new UsageError(`--seed-list must be whole numbers separated by commas, got "${item}" in "${options.seedList}"`);
    }
    return Number(item);
  });
  const repeated = seeds.find((seed, i) => seeds.indexOf(seed) !== i);
  if (repeated !== undefined) throw new UsageError(`--seed-list names seed ${repeated} twice: each seed is one run`);
  return seeds;
}

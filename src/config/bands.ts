/**
 * The reference's 2026 sections `age_bands`, `tenure_bands` and `promotion_hazard`
 * (reference-config-keys-head.md §20-22): the bands that label every employee's age and tenure, and
 * the promotion hazard read through those labels. src/params/bands.ts compiles them into parameter
 * tables.
 */
import { z } from 'zod';
import { ignoredKey } from './ignored.js';

export interface Band {
  band_label: string;
  min_value: number;
  max_value: number;
}

/**
 * The reference's standard bands (reference-simulation.md §3.0), used when the config gives none. Each
 * band is [min_value, max_value); the last is open-ended whatever its max_value says, as 65+ and 20+ are.
 */
export const DEFAULT_AGE_BANDS: readonly Band[] = [
  { band_label: '< 25', min_value: 0, max_value: 25 },
  { band_label: '25-34', min_value: 25, max_value: 35 },
  { band_label: '35-44', min_value: 35, max_value: 45 },
  { band_label: '45-54', min_value: 45, max_value: 55 },
  { band_label: '55-64', min_value: 55, max_value: 65 },
  { band_label: '65+', min_value: 65, max_value: 999 },
];
export const DEFAULT_TENURE_BANDS: readonly Band[] = [
  { band_label: '< 2', min_value: 0, max_value: 2 },
  { band_label: '2-4', min_value: 2, max_value: 5 },
  { band_label: '5-9', min_value: 5, max_value: 10 },
  { band_label: '10-19', min_value: 10, max_value: 20 },
  { band_label: '20+', min_value: 20, max_value: 999 },
];

const bandList = (section: 'age_bands' | 'tenure_bands', unit: string) =>
  z
    .array(
      z.strictObject({
        band_id: ignoredKey(`${section}[].band_id`, z.int().nullable()),
        band_label: z.string().trim().min(1, 'must not be blank'),
        min_value: z.number().min(0, 'must be 0 or more'),
        max_value: z.number(),
        display_order: ignoredKey(`${section}[].display_order`, z.int().nullable()),
      }),
    )
    .min(1, 'needs at least one band')
    .superRefine((bands, ctx) => {
      const issue = (path: (string | number)[], message: string, input: unknown) => ctx.addIssue({ code: 'custom', path, message, input });
      const seen = new Map<string, number>();
      bands.forEach((band, i) => {
        const earlier = seen.get(band.band_label);
        if (earlier !== undefined) issue([i, 'band_label'], `"${band.band_label}" is already the label of ${section}[${earlier}]`, band.band_label);
        else seen.set(band.band_label, i);
        if (band.max_value <= band.min_value) issue([i, 'max_value'], `must be greater than min_value (${band.min_value})`, band.max_value);
        const previous = i === 0 ? 0 : (bands[i - 1] as Band).max_value;
        if (band.min_value !== previous) {
          issue(
            [i, 'min_value'],
            i === 0 ? `must be 0: the bands start at 0 ${unit}` : `must be ${previous}, where the previous band ends (bands are contiguous)`,
            band.min_value,
          );
        }
      });
    });

const share = () => z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1');

export const bandSchemas = {
  age_bands: bandList('age_bands', 'years of age').optional(),
  tenure_bands: bandList('tenure_bands', 'years of service').optional(),
  // Each key given replaces its part of the promotion-hazard parameter tables: a multiplier row replaces
  // that band's row of the table; a key left out keeps the table's values.
  promotion_hazard: z
    .strictObject({
      base_rate: share().optional(),
      level_dampener_factor: share().optional(),
      age_multipliers: z.array(z.strictObject({ age_band: z.string(), multiplier: z.number().min(0, 'must be 0 or more') })).optional(),
      tenure_multipliers: z.array(z.strictObject({ tenure_band: z.string(), multiplier: z.number().min(0, 'must be 0 or more') })).optional(),
    })
    .optional(),
};

interface BandSections {
  age_bands?: readonly Band[] | undefined;
  tenure_bands?: readonly Band[] | undefined;
  promotion_hazard?:
    | {
        age_multipliers?: readonly { age_band: string }[] | undefined;
        tenure_multipliers?: readonly { tenure_band: string }[] | undefined;
      }
    | undefined;
}

/** The run's age and tenure bands: the config's, else the standard ones. */
export function runBands(config: BandSections): { age: readonly Band[]; tenure: readonly Band[] } {
  return { age: config.age_bands ?? DEFAULT_AGE_BANDS, tenure: config.tenure_bands ?? DEFAULT_TENURE_BANDS };
}

/** Refuses a promotion multiplier naming a band the run does not have, or naming one twice. */
export function checkPromotionBands(config: BandSections, ctx: z.RefinementCtx): void {
  const bands = runBands(config);
  for (const [list, key, section, known] of [
    ['age_multipliers', 'age_band', 'age_bands', bands.age],
    ['tenure_multipliers', 'tenure_band', 'tenure_bands', bands.tenure],
  ] as const) {
    const labels = known.map((b) => b.band_label);
    const seen = new Set<string>();
    (config.promotion_hazard?.[list] ?? []).forEach((row: Record<string, string>, i) => {
      const label = row[key] as string;
      const path = ['promotion_hazard', list, i, key];
      if (!labels.includes(label)) {
        const from = config[section] === undefined ? `the standard ${section} (set ${section} to change them)` : section;
        ctx.addIssue({ code: 'custom', path, input: label, message: `"${label}" is not a band of ${from}: ${labels.map((l) => `"${l}"`).join(', ')}` });
      } else if (seen.has(label)) {
        ctx.addIssue({ code: 'custom', path, input: label, message: `"${label}" is given twice` });
      }
      seen.add(label);
    });
  }
}

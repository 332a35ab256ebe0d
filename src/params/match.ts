import type { SimulationConfig } from '../config/index.js';
import { percentRowTier, type MatchStatus } from '../config/schema.js';
import type { Database } from '../db/database.js';

/**
 * The match design as data (reference-plan-design.md §2), read by int_employee_match_calculations:
 * - `param_match_design`, one row: the mode (`match_status`), the master switch (`match_enabled`),
 *   what selects the band (`band_basis`: none, service or points) and whether the year-end true-up
 *   pays the annual formula (`true_up`, else the per-period match is the match) and whether the match
 *   paid is a safe-harbor one (`safe_harbor_match`, read by the compliance tests and top-heavy status);
 * - `param_match_bands`, one row per band and tier: the band's range [band_min, band_max) of years of
 *   service or points (band_max NULL: unbounded) and each tier's share of pay [employee_min,
 *   employee_max) matched at match_rate. A deferral-based formula is one band over everyone; a
 *   whole-percent row (graded_schedule, points_match_tiers) is a band of one tier.
 * Values are bound, never spliced into SQL.
 */
export interface MatchBand {
  min: number;
  max: number | null;
  tiers: Array<{ employee_min: number; employee_max: number; match_rate: number }>;
}

export interface MatchDesign {
  status: MatchStatus;
  enabled: boolean;
  basis: 'none' | 'service' | 'points';
  bands: MatchBand[];
}

/** The bands and tiers a config pays by (the legacy tenure_based was migrated to tenure_graded by the schema). */
export function matchDesign(config: SimulationConfig): MatchDesign {
  const m = config.employer_match;
  const enabled = m.enabled;
  switch (m.employer_match_status) {
    case 'deferral_based': {
      const formula = m.formulas[m.active_formula];
      if (formula === undefined) throw new Error(`employer_match.formulas has no ${m.active_formula}`);
      // A simple formula is one tier: match_rate on deferrals up to max_match_percentage of pay.
      const tiers =
        formula.type === 'simple'
          ? [{ employee_min: 0, employee_max: formula.max_match_percentage, match_rate: formula.match_rate }]
          : formula.tiers.map(({ employee_min, employee_max, match_rate }) => ({ employee_min, employee_max, match_rate }));
      return { status: 'deferral_based', enabled, basis: 'none', bands: [{ min: 0, max: null, tiers }] };
    }
    case 'graded_by_service':
      return {
        status: 'graded_by_service',
        enabled,
        basis: 'service',
        bands: (m.graded_schedule ?? []).map((r) => ({ min: r.min_years, max: r.max_years, tiers: [percentRowTier(r)] })),
      };
    case 'tenure_graded':
      return {
        status: 'tenure_graded',
        enabled,
        basis: 'service',
        bands: (m.tenure_graded_bands ?? []).map((b) => ({ min: b.min_years, max: b.max_years, tiers: b.tiers })),
      };
    case 'points_based':
      return {
        status: 'points_based',
        enabled,
        basis: 'points',
        bands: (m.points_match_tiers ?? []).map((r) => ({ min: r.min_points, max: r.max_points, tiers: [percentRowTier(r)] })),
      };
  }
}

/** The match paid is a safe-harbor one (401(k)(12)/(13)): switched on, deferral-based, and its active formula
 *  of type safe_harbor or qaca; the service- and points-graded modes never are. */
function isSafeHarborMatch(config: SimulationConfig, design: MatchDesign): boolean {
  const m = config.employer_match;
  const type = m.formulas[m.active_formula]?.type;
  return design.enabled && design.status === 'deferral_based' && (type === 'safe_harbor' || type === 'qaca');
}

/** '0-4 years', '5+ years', '60-79 points': the whole values a band [min, max) holds. */
export function bandLabel(band: Pick<MatchBand, 'min' | 'max'>, unit: string): string {
  return band.max === null ? `${band.min}+ ${unit}` : band.max - 1 === band.min ? `${band.min} ${unit}` : `${band.min}-${band.max - 1} ${unit}`;
}

export async function compileMatchParameters(db: Database, config: SimulationConfig): Promise<void> {
  const design = matchDesign(config);
  await db.run(
    `CREATE OR REPLACE TABLE param_match_design AS
     SELECT $status::VARCHAR AS match_status, $enabled::BOOLEAN AS match_enabled, $basis::VARCHAR AS band_basis,
            $trueUp::BOOLEAN AS true_up, $safeHarbor::BOOLEAN AS safe_harbor_match`,
    {
      status: design.status,
      enabled: design.enabled,
      basis: design.basis,
      trueUp: config.employer_match.true_up,
      safeHarbor: isSafeHarborMatch(config, design),
    },
  );
  await db.run(
    `CREATE OR REPLACE TABLE param_match_bands (band INTEGER, band_label VARCHAR, band_min INTEGER, band_max INTEGER,
       tier INTEGER, employee_min DECIMAL(7,5), employee_max DECIMAL(7,5), match_rate DECIMAL(9,5))`,
  );
  const unit = design.basis === 'points' ? 'points' : 'years';
  const rows = design.bands.flatMap((band, b) =>
    band.tiers.map((t, i) => [
      b + 1,
      design.basis === 'none' ? null : bandLabel(band, unit),
      band.min,
      band.max,
      i + 1,
      String(t.employee_min),
      String(t.employee_max),
      String(t.match_rate),
    ]),
  );
  if (rows.length === 0) return;
  // One statement for the table: each costs a millisecond or so before the first year.
  await db.run(
    `INSERT INTO param_match_bands VALUES ${rows
      .map((_, r) => `(${Array.from({ length: 8 }, (_, c) => `$${8 * r + c + 1}${CASTS[c]}`).join(', ')})`)
      .join(', ')}`,
    rows.flat(),
  );
}

const CASTS = ['::INTEGER', '::VARCHAR', '::INTEGER', '::INTEGER', '::INTEGER', '::DECIMAL(7,5)', '::DECIMAL(7,5)', '::DECIMAL(9,5)'];

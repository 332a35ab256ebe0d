/**
 * Which era of the reference a plan-design section of a config is read in (issue 12, "Rules for the
 * two eras"). Keys absent keep the 2025-era defaults; a section takes its 2026 meaning when one of its
 * 2026 keys is present: a key the 2025 versions did not have (in the YAML section or as a dc_plan key
 * that sets it), or a 2026 value of a 2025 key (a safe-harbor formula type or preset). Read from the
 * config's keys as written (after the environment and command line), before defaults.
 */
import { dcPlanSection } from './dc-plan-overlay.js';
import { isPlainObject } from './walk.js';

export interface SectionEra {
  /** The section(s), as `validate` names them. */
  section: string;
  era: 2025 | 2026;
  /** The 2026 keys present (dotted paths; `path: value` for a 2026 value), in file order; empty for 2025. */
  keys: string[];
}

const FORMULA_2025 = ['name', 'type', 'match_rate', 'max_match_percentage', 'tiers'];
const EMPLOYER_ELIGIBILITY_2025 = [
  'minimum_tenure_years',
  'require_active_at_year_end',
  'minimum_hours_annual',
  'allow_new_hires',
  'allow_terminated_new_hires',
  'allow_experienced_terminations',
];

/**
 * The 2025 versions' keys of each plan-design section (reference-simulation.md; a mapping listed here
 * is looked into, a list is one key). `<key>` stands for any key of a record.
 */
const KEYS_2025: Readonly<Record<string, readonly string[]>> = {
  employer_match: [
    'active_formula',
    'apply_eligibility',
    'eligibility',
    ...EMPLOYER_ELIGIBILITY_2025.map((k) => `eligibility.${k}`),
    'formulas',
    'formulas.<key>',
    ...FORMULA_2025.map((k) => `formulas.<key>.${k}`),
  ],
  employer_core_contribution: ['enabled', 'contribution_rate', 'eligibility', ...EMPLOYER_ELIGIBILITY_2025.map((k) => `eligibility.${k}`)],
  eligibility: ['waiting_period_days'],
  plan_eligibility: ['waiting_period_days', 'minimum_age'],
  workforce: ['total_termination_rate', 'new_hire_termination_rate'],
};

/** The sections `validate` reports, and the YAML sections each covers (workforce: its part-time hires, for the hours rule). */
const SECTIONS: ReadonlyArray<{ section: string; yaml: readonly string[] }> = [
  { section: 'employer_match', yaml: ['employer_match'] },
  { section: 'employer_core_contribution', yaml: ['employer_core_contribution'] },
  { section: 'eligibility / plan_eligibility', yaml: ['eligibility', 'plan_eligibility', 'workforce'] },
];

/** Formula types and built-in formulas that exist only in the 2026 versions (and ours after them). */
const FORMULA_TYPES_2026 = new Set(['safe_harbor', 'qaca']);
const PRESETS_2026 = new Set(['safe_harbor_basic', 'qaca_safe_harbor', 'safe_harbor_enhanced']);

/**
 * The era of each plan-design section of `raw` (the config's sections as written). `ignored`: the
 * dotted paths the loader ignores (e.g. a formula's vesting_schedule until vesting): they give no
 * meaning to their section, so they do not make it 2026.
 */
export function planDesignEras(raw: Readonly<Record<string, unknown>>, ignored: readonly string[]): SectionEra[] {
  const skip = new Set(ignored);
  const keysOf = (yamlSection: string): string[] => {
    const known = new Set(KEYS_2025[yamlSection]);
    const found: string[] = [];
    const visit = (node: Record<string, unknown>, path: string, pattern: string): void => {
      for (const [key, value] of Object.entries(node)) {
        const [at, as] = [`${path}.${key}`, pattern === '' ? key : `${pattern}.${key}`];
        const generic = pattern === '' ? undefined : `${pattern}.<key>`;
        const name = known.has(as) ? as : generic !== undefined && known.has(generic) ? generic : undefined;
        if (skip.has(at)) continue;
        if (name === undefined) found.push(at);
        else if (isPlainObject(value)) visit(value, at, name);
        else if (name.endsWith('.type') && typeof value === 'string' && FORMULA_TYPES_2026.has(value)) found.push(`${at}: ${value}`);
        else if (name === 'active_formula' && typeof value === 'string' && PRESETS_2026.has(value)) found.push(`${at}: ${value}`);
      }
    };
    const section = raw[yamlSection];
    if (isPlainObject(section)) visit(section, yamlSection, '');
    return found;
  };
  const dcPlan = isPlainObject(raw.dc_plan) ? raw.dc_plan : {};
  return SECTIONS.map(({ section, yaml }) => {
    const keys = [
      ...yaml.flatMap(keysOf),
      ...Object.keys(dcPlan)
        .filter((key) => dcPlan[key] !== null && dcPlan[key] !== undefined && yaml.includes(dcPlanSection(key) ?? ''))
        .map((key) => `dc_plan.${key}`),
    ];
    return { section, era: keys.length > 0 ? 2026 : 2025, keys };
  });
}

/** "employer_match: 2026 meaning (employer_match.employer_match_status, dc_plan.match_tiers)". */
export function describeEra(era: SectionEra): string {
  return era.era === 2026
    ? `${era.section}: 2026 meaning (by ${era.keys.join(', ')})`
    : `${era.section}: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)`;
}

/**
 * Which era of the reference a plan-design section of a config is read in (issue 12, "Rules for the
 * two eras"). Keys absent keep the 2025-era defaults (one exception: applyEraDefaults); a section takes
 * its 2026 meaning when one of its 2026 keys is present: a key the 2025 versions did not have (in the
 * YAML section or as a dc_plan key that sets it), or a 2026 value of a 2025 key (a safe-harbor formula
 * type or preset); the magnet and the match response are 2026 as whole sections. Read from the
 * config's keys as written (after the environment and command line), before defaults.
 */
import { dcPlanTarget } from './dc-plan-overlay.js';
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
  // No YAML key of the section is new in 2026: only our census_escalates_in_start_year and dc_plan keys make it 2026.
  deferral_auto_escalation: [
    'enabled',
    'effective_day',
    'increment_amount',
    'maximum_rate',
    'hire_date_cutoff',
    'require_active_enrollment',
    'first_escalation_delay_years',
  ],
};

/**
 * The sections `validate` reports: `yaml`, the YAML sections whose keys not in KEYS_2025 are 2026 keys,
 * or `present`, the 2026 keys of a section that is 2026 as a whole (listed by a function); `targets`, the
 * YAML keys a dc_plan key of the section sets (itself or a key under it). Workforce: its part-time hires,
 * for the hours rule.
 */
const SECTIONS: ReadonlyArray<{ section: string; targets: readonly string[]; yaml?: readonly string[]; present?: (raw: Readonly<Record<string, unknown>>) => string[] }> = [
  { section: 'employer_match', targets: ['employer_match'], yaml: ['employer_match'] },
  { section: 'employer_core_contribution', targets: ['employer_core_contribution'], yaml: ['employer_core_contribution'] },
  { section: 'eligibility / plan_eligibility', targets: ['eligibility', 'plan_eligibility', 'workforce'], yaml: ['eligibility', 'plan_eligibility', 'workforce'] },
  // 2026: census participants escalate from their enrollment date, setup.plan_year_end_date (docs/DECISIONS.md, "Escalation").
  { section: 'deferral_auto_escalation', targets: ['deferral_auto_escalation'], yaml: ['deferral_auto_escalation'] },
  // Present, the magnet replaces match_optimization (docs/DECISIONS.md, "Match ceiling per employee, and the match magnet").
  {
    section: 'enrollment.match_magnet',
    targets: ['enrollment.match_magnet'],
    present: (raw) => (isPlainObject(raw.enrollment) && isSet(raw.enrollment.match_magnet) ? ['enrollment.match_magnet'] : []),
  },
  // Present and enabled, the first year's response applies (docs/DECISIONS.md, "Deferral match response").
  {
    section: 'deferral_match_response',
    targets: ['deferral_match_response'],
    present: (raw) => (isPlainObject(raw.deferral_match_response) && raw.deferral_match_response.enabled === true ? ['deferral_match_response.enabled: true'] : []),
  },
];

const isSet = (value: unknown): boolean => value !== null && value !== undefined;

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
  /** A dc_plan key counts for the section of the YAML key it sets; a response block only when it enables the response. */
  const dcPlanKeys = (targets: readonly string[]): string[] =>
    Object.keys(dcPlan)
      .filter((key) => isSet(dcPlan[key]) && !(key === 'deferral_match_response' && isPlainObject(dcPlan[key]) && dcPlan[key].enabled === false))
      .filter((key) => {
        const target = dcPlanTarget(key);
        return target !== undefined && targets.some((t) => target === t || target.startsWith(`${t}.`));
      })
      .map((key) => `dc_plan.${key}`);
  return SECTIONS.map(({ section, targets, yaml, present }) => {
    const keys = [...(yaml ?? []).flatMap(keysOf), ...(present?.(raw) ?? []), ...dcPlanKeys(targets)];
    return { section, era: keys.length > 0 ? 2026 : 2025, keys };
  });
}

/** "employer_match: 2026 meaning (employer_match.employer_match_status, dc_plan.match_tiers)". */
export function describeEra(era: SectionEra): string {
  return era.era === 2026
    ? `${era.section}: 2026 meaning (by ${era.keys.join(', ')})`
    : `${era.section}: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)`;
}

/**
 * Defaults that depend on the era, written into `data` (the config as written, before validation) so
 * that they are in the resolved config and its hash: `deferral_auto_escalation.census_escalates_in_start_year`
 * is true in a section of the 2026 era (set by a dc_plan escalation key; the key itself, when written,
 * stays as written) and false otherwise, the schema's default.
 */
export function applyEraDefaults(data: Record<string, unknown>, eras: readonly SectionEra[]): void {
  if (eras.find((e) => e.section === 'deferral_auto_escalation')?.era !== 2026) return;
  const section = data.deferral_auto_escalation ?? {};
  if (!isPlainObject(section) || Object.hasOwn(section, 'census_escalates_in_start_year')) return;
  data.deferral_auto_escalation = { ...section, census_escalates_in_start_year: true };
}

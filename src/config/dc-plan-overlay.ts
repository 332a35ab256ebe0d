/**
 * `dc_plan`, the flat plan-design overlay the reference's 2026 Studio writes (reference-plan-design.md
 * §0.1, §0.4; reference-config-keys-head.md §23). Each plan-design key overrides its YAML counterpart
 * ("later wins"): before validation the loader moves its value onto the YAML key it sets, reading the
 * units as §0.2 says for dc_plan values only, with a notice each time a value is read in another unit
 * than the YAML key's. The value is then validated at its YAML key; an error there says which dc_plan
 * key set it. The environment and the command line win over both (they set the YAML key itself).
 * The dc_plan keys of later issues are declared ignored, each with its reason (ignored.ts).
 */
import { z } from 'zod';
import { applyOverride } from './env.js';
import { ignoredKey } from './ignored.js';
import { formatPath, isPlainObject, type PathSegment } from './walk.js';

/** A YAML key set by dc_plan keys: what the run output and `validate` show as its source. */
export interface DcPlanSource {
  /** Dotted YAML key, e.g. employer_match.active_formula. */
  key: string;
  /** The dc_plan key(s) that set it, e.g. "dc_plan.match_template". */
  source: string;
}

export interface DcPlanOverlay {
  /** One line per value read in another unit or translated, and per dc_plan key the environment or command line overrode. */
  notices: string[];
  /** Values the overlay cannot translate (e.g. an unknown match template), each starting with its dc_plan path. */
  issues: string[];
  sources: DcPlanSource[];
}

const MATCH = 'employer_match';
const CORE = 'employer_core_contribution';
const AE = 'enrollment.auto_enrollment';
const ESCALATION = 'deferral_auto_escalation';
/** `dc_plan.deferral_match_response`, a block of the section's own keys merged over it (§0.1). */
const RESPONSE = 'deferral_match_response';
/** `dc_plan.vesting_schedule`, the match's vesting schedule (src/config/vesting.ts). */
const VESTING = 'vesting_schedule';

type Note = (path: readonly PathSegment[], text: string) => void;
/** Reads a dc_plan value (at `path`) in the unit of its YAML key. */
type Convert = (value: unknown, path: readonly PathSegment[], note: Note) => unknown;

/** 3 → 0.03, kept exact to the 10th decimal (0.035 × 100 is 3.5000000000000004 in floating point). */
const scaled = (value: number, factor: number): number => Number((value * factor).toFixed(10));

/** A percent key onto a decimal YAML key (`core_contribution_rate_percent: 3` ⇒ 0.03): its unit by name. */
const percentToDecimal: Convert = (value) => (typeof value === 'number' ? scaled(value, 0.01) : value);

/** `eligibility_months` ⇒ days, 30 a month as the reference counts them. */
const monthsToDays: Convert = (value) => (typeof value === 'number' ? value * 30 : value);

/** `escalation_hire_date_cutoff: ""` removes the YAML's cutoff (null: escalate whatever the hire date), as the reference's exporter does. */
const emptyRemovesCutoff: Convert = (value, path, note) => {
  if (value !== '') return value;
  note(path, `"" removes the hire-date cutoff of ${ESCALATION}.hire_date_cutoff (null)`);
  return null;
};

/** Each row of a list through `row`; anything else unchanged (its YAML key refuses it). */
const rows =
  (row: (item: Record<string, unknown>, path: readonly PathSegment[], note: Note) => Record<string, unknown>): Convert =>
  (value, path, note) =>
    Array.isArray(value) ? value.map((item, i) => (isPlainObject(item) ? row({ ...item }, [...path, i], note) : item)) : value;

/** `service_years_min/max` are the reference's other names of `min_years/max_years` (§0.4). */
function serviceYearAliases(item: Record<string, unknown>, path: readonly PathSegment[], note: Note): Record<string, unknown> {
  for (const [alias, key] of [['service_years_min', 'min_years'], ['service_years_max', 'max_years']] as const) {
    if (!Object.hasOwn(item, alias) || Object.hasOwn(item, key)) continue;
    item[key] = item[alias];
    delete item[alias];
    note([...path, alias], `read as ${key}`);
  }
  return item;
}

/**
 * The §0.2 heuristic of the reference's exporter for the tiers its YAML gives in whole percents
 * (points and legacy tenure tiers, the graded-by-service schedule): a `match_rate` of at most 2 is a
 * decimal (×100), a `max_deferral_pct` of at most 1 is a decimal (×100); a missing max is 6 %, as
 * the YAML key's default.
 */
function percentTier(item: Record<string, unknown>, path: readonly PathSegment[], note: Note): Record<string, unknown> {
  const rate = item.match_rate;
  if (typeof rate === 'number' && rate <= 2) {
    item.match_rate = scaled(rate, 100);
    note([...path, 'match_rate'], `${rate} is at most 2, so read as a decimal: ${item.match_rate} %`);
  }
  const max = item.max_deferral_pct;
  if (typeof max === 'number' && max <= 1) {
    item.max_deferral_pct = scaled(max, 100);
    note([...path, 'max_deferral_pct'], `${max} is at most 1, so read as a decimal: ${item.max_deferral_pct} %`);
  }
  return item;
}

/** dc_plan keys that set one YAML key each (reference-plan-design.md §0.4), in the order they apply. */
/** `also`: further YAML keys set to the same value, all or none (one setting the engine reads from two keys). */
const ONE_TO_ONE: Readonly<Record<string, { target: string; also?: readonly string[]; convert?: Convert }>> = {
  match_enabled: { target: `${MATCH}.enabled` },
  match_status: { target: `${MATCH}.employer_match_status` },
  match_graded_schedule: { target: `${MATCH}.graded_schedule`, convert: rows((item, path, note) => percentTier(serviceYearAliases(item, path, note), path, note)) },
  tenure_match_tiers: { target: `${MATCH}.tenure_match_tiers`, convert: rows(percentTier) },
  points_match_tiers: { target: `${MATCH}.points_match_tiers`, convert: rows(percentTier) },
  tenure_graded_bands: { target: `${MATCH}.tenure_graded_bands` },
  match_min_tenure_years: { target: `${MATCH}.eligibility.minimum_tenure_years` },
  match_require_year_end_active: { target: `${MATCH}.eligibility.require_active_at_year_end` },
  match_min_hours_annual: { target: `${MATCH}.eligibility.minimum_hours_annual` },
  match_allow_new_hires: { target: `${MATCH}.eligibility.allow_new_hires` },
  match_allow_terminated_new_hires: { target: `${MATCH}.eligibility.allow_terminated_new_hires` },
  match_allow_experienced_terminations: { target: `${MATCH}.eligibility.allow_experienced_terminations` },
  core_enabled: { target: `${CORE}.enabled` },
  core_contribution_rate_percent: { target: `${CORE}.contribution_rate`, convert: percentToDecimal },
  core_status: { target: `${CORE}.status` },
  core_graded_schedule: { target: `${CORE}.graded_schedule`, convert: rows(serviceYearAliases) },
  core_points_schedule: { target: `${CORE}.points_schedule` },
  core_age_schedule: { target: `${CORE}.age_schedule` },
  core_integration_enabled: { target: `${CORE}.integration.enabled` },
  core_integration_level_mode: { target: `${CORE}.integration.level_mode` },
  core_integration_level_value: { target: `${CORE}.integration.level_value` },
  core_integration_disparity_rate: { target: `${CORE}.integration.disparity_rate` },
  core_integration_disparity_rate_percent: { target: `${CORE}.integration.disparity_rate`, convert: percentToDecimal },
  core_min_tenure_years: { target: `${CORE}.eligibility.minimum_tenure_years` },
  core_require_year_end_active: { target: `${CORE}.eligibility.require_active_at_year_end` },
  core_min_hours_annual: { target: `${CORE}.eligibility.minimum_hours_annual` },
  core_allow_new_hires: { target: `${CORE}.eligibility.allow_new_hires` },
  core_allow_terminated_new_hires: { target: `${CORE}.eligibility.allow_terminated_new_hires` },
  core_allow_experienced_terminations: { target: `${CORE}.eligibility.allow_experienced_terminations` },
  // The Studio's auto-enrollment keys (reference-config-keys-head.md §23); the opt-out rates are decimals.
  auto_enroll: { target: `${AE}.enabled` },
  auto_enroll_hire_date_cutoff: { target: `${AE}.hire_date_cutoff` },
  auto_enroll_window_days: { target: `${AE}.window_days` },
  auto_enroll_opt_out_grace_period: { target: `${AE}.opt_out_grace_period` },
  default_deferral_percent: { target: `${AE}.default_deferral_rate`, convert: percentToDecimal },
  opt_out_rate_young: { target: `${AE}.opt_out_rates.by_age.young` },
  opt_out_rate_mid: { target: `${AE}.opt_out_rates.by_age.mid_career` },
  opt_out_rate_mature: { target: `${AE}.opt_out_rates.by_age.mature` },
  opt_out_rate_senior: { target: `${AE}.opt_out_rates.by_age.senior` },
  opt_out_rate_low_income: { target: `${AE}.opt_out_rates.by_income.low_income` },
  opt_out_rate_moderate: { target: `${AE}.opt_out_rates.by_income.moderate` },
  opt_out_rate_high: { target: `${AE}.opt_out_rates.by_income.high` },
  opt_out_rate_executive: { target: `${AE}.opt_out_rates.by_income.executive` },
  voluntary_enrollment_rate: { target: `${AE}.voluntary_enrollment_rate` },
  // The Studio's magnet keys; max_voluntary_deferral_percent is a decimal despite its name (§0.2).
  match_magnet_enabled: { target: 'enrollment.match_magnet.enabled' },
  match_magnet_probability: { target: 'enrollment.match_magnet.snap_probability' },
  max_voluntary_deferral_percent: { target: 'enrollment.match_magnet.max_deferral_rate' },
  // The Studio's escalation keys (§5): rates in percents; the day is MM-DD as ours ("01-01").
  auto_escalation: { target: `${ESCALATION}.enabled` },
  escalation_rate_percent: { target: `${ESCALATION}.increment_amount`, convert: percentToDecimal },
  escalation_cap_percent: { target: `${ESCALATION}.maximum_rate`, convert: percentToDecimal },
  escalation_effective_day: { target: `${ESCALATION}.effective_day` },
  escalation_delay_years: { target: `${ESCALATION}.first_escalation_delay_years` },
  escalation_hire_date_cutoff: { target: `${ESCALATION}.hire_date_cutoff`, convert: emptyRemovesCutoff },
  // The plan's waiting period is the larger of the two YAML keys (plan-eligibility.ts): both are set, so dc_plan wins.
  eligibility_months: { target: 'plan_eligibility.waiting_period_days', also: ['eligibility.waiting_period_days'], convert: monthsToDays },
};

/** Studio match templates ⇒ the formula `employer_match.active_formula` names (the reference's API rewrite, §0.1). */
export const MATCH_TEMPLATES: Readonly<Record<string, string>> = {
  simple: 'simple_match',
  tiered: 'tiered_match',
  stretch: 'stretch_match',
  safe_harbor: 'safe_harbor_basic',
  qaca: 'qaca_safe_harbor',
};

/** The formula type of a template; the others are plain tiered formulas. */
const TEMPLATE_TYPES: Readonly<Record<string, string>> = { safe_harbor: 'safe_harbor', qaca: 'qaca' };

/** The match cap of the reference when dc_plan gives tiers without `match_cap_percent` (its dbt default). */
const DEFAULT_MATCH_CAP = 0.04;

/** The match-formula keys, which together make the active formula. */
const FORMULA_KEYS = ['match_template', 'match_tiers', 'match_cap_percent'] as const;

/** The eligibility keys of the match (any one turns apply_eligibility on) and of the core. */
const MATCH_ELIGIBILITY_KEYS = Object.keys(ONE_TO_ONE).filter((k) => ONE_TO_ONE[k]?.target.startsWith(`${MATCH}.eligibility.`));

/** Every dc_plan key the overlay applies: the schema declares each (validated at its YAML key). */
export const DC_PLAN_LIVE_KEYS: readonly string[] = [...FORMULA_KEYS, ...Object.keys(ONE_TO_ONE), RESPONSE, VESTING];

/** The YAML key a live dc_plan key sets (for the era of its section; a match-formula key: the match); undefined for other keys. */
export function dcPlanTarget(key: string): string | undefined {
  if ((FORMULA_KEYS as readonly string[]).includes(key)) return MATCH;
  if (key === RESPONSE) return RESPONSE;
  if (key === VESTING) return 'vesting.match';
  return Object.hasOwn(ONE_TO_ONE, key) ? ONE_TO_ONE[key]?.target : undefined;
}

/**
 * dc_plan keys accepted and ignored, each with its reason in IGNORED_KEYS (`dc_plan.<key>`). Types as
 * the Studio writes them; a value of another type is an error, as for every ignored key.
 */
const IGNORED_TYPES: Readonly<Record<string, z.ZodType>> = {
  auto_enroll_scope: z.string(),
  opt_out_rate_target: z.number(),
  match_percent: z.number(),
  match_limit_percent: z.number(),
};

/** Where each live key goes, for the schema's description (and so for editors). */
const describeTarget = (key: string): string =>
  (FORMULA_KEYS as readonly string[]).includes(key)
    ? 'Sets the active employer_match formula (validated there).'
    : key === RESPONSE
      ? `Its keys set those of ${RESPONSE} (validated there); enabled defaults to true, as in the reference's Studio runs.`
      : key === VESTING
        ? 'Sets vesting.match unless the file gives it (validated there).'
        : `Sets ${[ONE_TO_ONE[key]?.target, ...(ONE_TO_ONE[key]?.also ?? [])].join(' and ')} (validated there).`;

/**
 * The `dc_plan` section. Its live keys are moved onto their YAML keys before validation and validated
 * there, so here they accept anything; the section itself resolves to nothing (its effect is in the
 * YAML keys it set, and so in the config hash).
 */
export const dcPlanSchema = z
  .strictObject({
    ...Object.fromEntries(DC_PLAN_LIVE_KEYS.map((key) => [key, z.unknown().optional().describe(describeTarget(key))])),
    ...Object.fromEntries(
      Object.entries(IGNORED_TYPES).map(([key, type]) => [key, ignoredKey(`dc_plan.${key}`, type.nullable())]),
    ),
  })
  .optional()
  .transform((): undefined => undefined);

/**
 * Moves the live dc_plan keys of `data` onto their YAML keys (mutating `data`). `overriddenBy` names the
 * environment variable or command-line override that sets a YAML key (or a key above or below it):
 * that one wins, and the dc_plan key is not applied.
 */
export function applyDcPlan(
  data: Record<string, unknown>,
  overriddenBy: (path: readonly string[]) => string | undefined,
  /** The built-in match formulas (schema.ts), which a cap alone may cap. */
  presets: Readonly<Record<string, object>>,
): DcPlanOverlay {
  const result: DcPlanOverlay = { notices: [], issues: [], sources: [] };
  const dc = data.dc_plan;
  if (!isPlainObject(dc)) return result;
  const note: Note = (path, text) => result.notices.push(`${formatPath(['dc_plan', ...path])}: ${text}`);

  /** dc_plan keys present; a null reads as not set, as for the YAML's numbers. */
  const given = new Map<string, unknown>();
  for (const key of DC_PLAN_LIVE_KEYS) {
    if (!Object.hasOwn(dc, key)) continue;
    if (dc[key] === null) note([key], 'null read as not set');
    else given.set(key, dc[key]);
  }
  /** Sets `target` and `also` to `value`, none of them when the environment or the command line sets one. */
  const set = (target: string, value: unknown, keys: readonly string[], also: readonly string[] = []): void => {
    const source = keys.map((k) => `dc_plan.${k}`).join(', ');
    const targets = [target, ...also];
    const origin = targets.map((t) => overriddenBy(t.split('.'))).find((o) => o !== undefined);
    if (origin !== undefined) {
      result.notices.push(`${source}: not applied to ${targets.join(' and ')}, which ${origin} sets (the environment and the command line win over the file)`);
      return;
    }
    for (const t of targets) {
      applyOverride(data, t.split('.'), value);
      result.sources.push({ key: t, source });
    }
  };

  applyMatchFormula(data, given, presets, set, note, result.issues);

  const disparity = ['core_integration_disparity_rate', 'core_integration_disparity_rate_percent'] as const;
  if (disparity.every((k) => given.has(k))) {
    const [decimal, percent] = disparity.map((k) => given.get(k));
    if (typeof decimal !== 'number' || typeof percent !== 'number' || scaled(percent, 0.01) !== decimal) {
      result.issues.push(`dc_plan.${disparity[1]}: says ${String(percent)} % where dc_plan.${disparity[0]} says ${String(decimal)}: give one of them`);
    }
    given.delete(disparity[1]);
  }
  for (const [key, { target, also, convert }] of Object.entries(ONE_TO_ONE)) {
    if (!given.has(key)) continue;
    const value = given.get(key);
    set(target, convert ? convert(value, [key], note) : value, [key], also);
  }

  applyResponseBlock(given.get(RESPONSE), set, note, result.issues);
  // The Studio's template schedule is the match's; a vesting.match written in the file is the more specific key and wins.
  if (given.has(VESTING)) {
    const vesting = data.vesting;
    if (isPlainObject(vesting) && Object.hasOwn(vesting, 'match')) note([VESTING], 'not applied: vesting.match, given in the file, wins');
    else set('vesting.match', given.get(VESTING), [VESTING]);
  }

  // The reference merges any match eligibility key into employer_match.eligibility and applies it.
  const matchEligibility = MATCH_ELIGIBILITY_KEYS.filter((k) => given.has(k));
  if (matchEligibility.length > 0) set(`${MATCH}.apply_eligibility`, true, matchEligibility);
  // A tenure requirement without allow_new_hires re-derives it, as the reference's exporter does.
  for (const [section, prefix] of [[MATCH, 'match'], [CORE, 'core']] as const) {
    const tenure = given.get(`${prefix}_min_tenure_years`);
    if (typeof tenure !== 'number' || given.has(`${prefix}_allow_new_hires`)) continue;
    set(`${section}.eligibility.allow_new_hires`, tenure === 0, [`${prefix}_min_tenure_years`]);
    note([`${prefix}_min_tenure_years`], `${tenure} without dc_plan.${prefix}_allow_new_hires: allow_new_hires ${tenure === 0} (hires of the year are ${tenure === 0 ? '' : 'not '}exempt), as the reference derives it`);
  }
  return result;
}

/**
 * `dc_plan.deferral_match_response` is merged over the YAML section key by key, its `enabled` true when
 * the block does not say, as the reference's API merges it for Studio runs (plan-design §0.1, §0.4).
 */
function applyResponseBlock(
  block: unknown,
  set: (target: string, value: unknown, keys: readonly string[]) => void,
  note: Note,
  issues: string[],
): void {
  if (block === undefined) return;
  if (!isPlainObject(block)) {
    issues.push(`dc_plan.${RESPONSE}: must be a mapping of ${RESPONSE} keys (got ${JSON.stringify(block)})`);
    return;
  }
  for (const [key, value] of Object.entries(block)) set(`${RESPONSE}.${key}`, value, [RESPONSE]);
  if (!Object.hasOwn(block, 'enabled')) {
    set(`${RESPONSE}.enabled`, true, [RESPONSE]);
    note([RESPONSE], `without enabled: ${RESPONSE}.enabled true, the Studio's default`);
  }
}

/**
 * `match_template` names the active formula (the reference's API rewrite); `match_tiers` and
 * `match_cap_percent` make that formula a tiered one with those tiers and cap — in the reference they
 * are the only input of the match paid (its YAML formulas set none, defect P1; ours do).
 */
function applyMatchFormula(
  data: Record<string, unknown>,
  given: ReadonlyMap<string, unknown>,
  presets: Readonly<Record<string, object>>,
  set: (target: string, value: unknown, keys: readonly string[]) => void,
  note: Note,
  issues: string[],
): void {
  const template = given.get('match_template');
  if (template !== undefined) {
    if (typeof template === 'string' && Object.hasOwn(MATCH_TEMPLATES, template)) {
      set(`${MATCH}.active_formula`, MATCH_TEMPLATES[template], ['match_template']);
    } else {
      issues.push(`dc_plan.match_template: must be one of ${Object.keys(MATCH_TEMPLATES).map((t) => JSON.stringify(t)).join(', ')} (got ${JSON.stringify(template)})`);
    }
  }
  const tiers = given.get('match_tiers');
  const cap = given.get('match_cap_percent');
  if (tiers === undefined && cap === undefined) return;

  const match = isPlainObject(data[MATCH]) ? data[MATCH] : {};
  const active = typeof match.active_formula === 'string' ? match.active_formula : 'simple_match';
  const formulas = isPlainObject(match.formulas) ? match.formulas : {};
  if (tiers === undefined) {
    // A cap alone caps the active formula, which must then be one whose max_match_percentage is a cap of the match.
    const current = Object.hasOwn(formulas, active) ? formulas[active] : Object.hasOwn(presets, active) ? presets[active] : undefined;
    if (!isPlainObject(current)) return; // the schema names the unknown formula
    if (current.type === 'simple') {
      issues.push(
        `dc_plan.match_cap_percent: caps the match of tiered formulas, and the active formula ${active} is simple ` +
          '(its max_match_percentage is the most of pay deferred that is matched): give dc_plan.match_tiers too',
      );
      return;
    }
    set(`${MATCH}.formulas.${active}`, { ...structuredClone(current), max_match_percentage: cap }, ['match_cap_percent']);
    return;
  }
  const numbered = Array.isArray(tiers) ? tiers.map((t, i) => (isPlainObject(t) && !Object.hasOwn(t, 'tier') ? { tier: i + 1, ...t } : t)) : tiers;
  if (cap === undefined) note(['match_tiers'], `without dc_plan.match_cap_percent: the match is capped at ${DEFAULT_MATCH_CAP * 100} % of pay, the reference's default`);
  set(
    `${MATCH}.formulas.${active}`,
    { type: typeof template === 'string' && Object.hasOwn(TEMPLATE_TYPES, template) ? TEMPLATE_TYPES[template] : 'tiered', tiers: numbered, max_match_percentage: cap ?? DEFAULT_MATCH_CAP },
    cap === undefined ? ['match_tiers'] : ['match_tiers', 'match_cap_percent'],
  );
}

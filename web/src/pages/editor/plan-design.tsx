import type { ComponentChildren } from 'preact';
import type { KeyMetadata } from '../../api';
import { Notice } from '../../components/ui';
import { AnyKey, type Model } from './fields';
import { pathOfKey, valueAt } from './yaml-doc';

/** Which list of employer_match (or employer_core_contribution) each design status reads. */
const MATCH_LISTS: Record<string, string> = {
  graded_by_service: 'graded_schedule',
  points_based: 'points_match_tiers',
  tenure_graded: 'tenure_graded_bands',
  tenure_based: 'tenure_match_tiers',
};
const CORE_LISTS: Record<string, string> = {
  flat: 'contribution_rate',
  graded_by_service: 'graded_schedule',
  points_based: 'points_schedule',
  age_banded: 'age_schedule',
};

/** Labels clearer than the key's own name in the cards. */
const LABELS: Record<string, string> = {
  'vesting.core': 'Core vesting schedule',
  'vesting.match': 'Match vesting schedule',
};

function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="design-card" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/**
 * The plan design as an analyst thinks of it: the match (its design, the active formula and that
 * formula's rate or tiers), the core contribution, vesting, compliance testing and forfeitures.
 * Every other key is under "All settings"; each input writes the same YAML key.
 */
export function PlanDesignForm({ model, metas }: { model: Model; metas: readonly KeyMetadata[] }) {
  const byKey = new Map(metas.map((m) => [m.key, m]));
  const key = (k: string, label?: string, path: Array<string | number> = pathOfKey(k)) => {
    const meta = byKey.get(k.replace(/^employer_match\.formulas\.[^.]+/, 'employer_match.formulas.<key>'));
    return meta === undefined ? null : <AnyKey model={model} metas={metas} meta={meta} path={path} label={label} />;
  };
  const value = (k: string): unknown => valueAt(model.doc, pathOfKey(k));
  const status = (k: string): string => String(value(k) ?? byKey.get(k)?.default ?? '');

  const matchStatus = status('employer_match.employer_match_status');
  const formulas = value('employer_match.formulas');
  const names = formulas !== null && typeof formulas === 'object' ? Object.keys(formulas) : [];
  const active = status('employer_match.active_formula');
  const formulaType = String(value(`employer_match.formulas.${active}.type`) ?? '');
  const formulaKey = (field: string, label?: string) =>
    key(`employer_match.formulas.${active}.${field}`, label, ['employer_match', 'formulas', active, field]);
  const matchList = MATCH_LISTS[matchStatus];
  const coreStatus = status('employer_core_contribution.status');
  const coreList = CORE_LISTS[coreStatus];
  const section = (s: string) => metas.filter((m) => m.section === s && !m.key.includes('[]')).map((m) => <div key={m.key}>{key(m.key, LABELS[m.key])}</div>);

  return (
    <div class="design">
      <Card title="Employer match">
        {key('employer_match.enabled', 'Match paid')}
        {key('employer_match.employer_match_status', 'Match design')}
        {matchStatus === 'deferral_based' ? (
          <>
            <div class="key-field" data-key="employer_match.active_formula">
              <div class="field">
                <label for="active-formula">Active formula</label>
                <p class="field-desc">{byKey.get('employer_match.active_formula')?.description}</p>
                <div class="field-input">
                  <select
                    id="active-formula"
                    value={active}
                    onChange={(e) => model.apply({ kind: 'set', path: ['employer_match', 'active_formula'], value: (e.currentTarget as HTMLSelectElement).value })}
                  >
                    {!names.includes(active) && <option value={active}>{active} (built-in preset)</option>}
                    {names.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            </div>
            {names.includes(active) ? (
              <div class="formula" aria-label={`Formula ${active}`} role="group">
                <h4>
                  Formula <code>{active}</code>
                </h4>
                {formulaKey('name', 'Display name')}
                {formulaKey('type', 'Formula type')}
                {formulaType === 'simple' ? formulaKey('match_rate', 'Match rate') : formulaKey('tiers', 'Match tiers')}
                {formulaKey('max_match_percentage', formulaType === 'simple' ? 'Deferrals matched up to' : 'Match capped at')}
              </div>
            ) : (
              <Notice kind="info" title={`${active} is a built-in preset`}>
                <p>Its rates are the engine's. To change them, define a formula under employer_match.formulas in the YAML tab.</p>
              </Notice>
            )}
          </>
        ) : (
          matchList !== undefined && key(`employer_match.${matchList}`)
        )}
      </Card>
      <Card title="Core contribution">
        {key('employer_core_contribution.enabled', 'Core paid')}
        {key('employer_core_contribution.status', 'Core design')}
        {coreList !== undefined && key(`employer_core_contribution.${coreList}`)}
      </Card>
      <Card title="Vesting">{section('vesting')}</Card>
      <Card title="Compliance testing">{section('compliance')}</Card>
      <Card title="Forfeitures">{section('forfeitures')}</Card>
      <p class="design-more">
        Eligibility of the match and core, enrollment, auto-escalation, the workforce model and every other key are on the “All settings” tab.
      </p>
    </div>
  );
}

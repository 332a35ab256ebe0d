import { complianceSettings } from '../config/compliance.js';
import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';

/**
 * `param_compliance`: one row with the `compliance` section's settings (absent keys at their
 * defaults), read by the compliance models (int_compliance_population, fct_compliance_tests,
 * int_top_heavy_minimum). Values are bound, never spliced. A census without officers or owners
 * (columns is_officer, ownership_pct absent or empty) is said once in the run's notices.
 */
export async function compileComplianceParameters(db: Database, config: SimulationConfig, notices: string[]): Promise<void> {
  const c = complianceSettings(config.compliance);
  await db.run(
    `CREATE OR REPLACE TABLE param_compliance AS
     SELECT $testing_method::VARCHAR AS testing_method,
            $top_paid_group_election::BOOLEAN AS top_paid_group_election,
            $top_heavy_minimum::VARCHAR AS top_heavy_minimum`,
    { testing_method: c.testing_method, top_paid_group_election: c.top_paid_group_election, top_heavy_minimum: c.top_heavy_minimum },
  );
  // `validate` compiles the parameters without a census.
  const census = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'stg_census_data'`);
  if (census?.n !== 1) return;
  const flags = await db.one<{ officers: number; owners: number }>(
    `SELECT count(*) FILTER (WHERE is_officer)::INTEGER AS officers, count(*) FILTER (WHERE ownership_pct > 0)::INTEGER AS owners FROM stg_census_data`,
  );
  const missing = [
    flags?.officers === 0 ? 'no officer (census is_officer): nobody is a key employee by office' : [],
    flags?.owners === 0 ? 'no owner (census ownership_pct): nobody is an HCE or a key employee by ownership' : [],
  ].flat();
  if (missing.length > 0) notices.push(`compliance tests: the census names ${missing.join('; ')}`);
}

import { accountReturns } from '../config/accounts.js';
import type { SimulationConfig } from '../config/index.js';
import { listValue, type Database } from '../db/database.js';
import { lastParameterYear } from './seeds.js';

/**
 * `param_accounts`: a row per year with the investment return, whether a leaver's vested balance is
 * paid out in the termination year, and when the unvested employer money is forfeited
 * (fct_account_balances). One rate covers every year a run may reach; a map only its own years
 * (the schema checks that it covers the simulated ones). Values are bound, never spliced.
 */
export async function compileAccountParameters(db: Database, config: SimulationConfig): Promise<void> {
  const start = config.simulation.start_year;
  const years = Array.from({ length: lastParameterYear(start) - start + 1 }, (_, i) => start + i);
  const returns = accountReturns(config.accounts?.annual_return ?? 0, years);
  await db.run(
    `CREATE OR REPLACE TABLE param_accounts AS
     SELECT unnest($years::INTEGER[]) AS simulation_year,
            unnest($rates::DECIMAL(12,10)[]) AS annual_return,
            $distribute::BOOLEAN AS distribute_on_termination,
            $timing::VARCHAR AS forfeiture_timing`,
    {
      years: listValue(returns.map(([year]) => year)),
      rates: listValue(returns.map(([, rate]) => String(rate))),
      distribute: config.accounts?.distribute_on_termination ?? false,
      timing: config.forfeitures?.timing ?? 'termination_year',
    },
  );
}

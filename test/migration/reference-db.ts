import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { MODEL_COLUMNS_SINCE } from '../../src/db/metadata.js';
import { makeCensus, simulate } from '../support/engine.js';

/**
 * A database shaped like the Python engine's: one of our runs transformed into the reference's
 * tables and columns (reference-simulation.md §2.2, §5.1, §5.2, §5.4–§5.6), with a few of its defects
 * injected: no scenario/plan-design ids nor PlanAlign's own columns in the snapshot, TIMESTAMP event dates, new enrollees' deferral
 * rates lost in the deferral accumulator (D1), a duplicated event and a raise after a termination (D4).
 */
export async function referenceEngineDatabase(dir: string, years: [number, number] = [2025, 2027]): Promise<{
  database: string;
  census: string;
  ours: string;
}> {
  const census = await makeCensus(dir, 700, 19);
  const ours = (await simulate({ dir, census, name: 'ours_source', years })).database;
  const database = join(dir, 'python_engine.duckdb');
  const db = await Database.open(database);
  try {
    await db.run(`ATTACH '${ours.replaceAll("'", "''")}' AS src (READ_ONLY)`);
    await db.run(`CREATE TABLE stg_census_data AS SELECT * EXCLUDE (source_row) FROM src.stg_census_data`);
    await db.run(`CREATE TABLE int_baseline_workforce AS SELECT *, 'active' AS employment_status, true AS is_from_census FROM src.int_baseline_workforce`);
    await db.run(
      `CREATE TABLE fct_yearly_events AS
       SELECT * EXCLUDE (effective_date, parameter_source), effective_date::TIMESTAMP AS effective_date,
              'fused_event_generation' AS parameter_source
       FROM src.fct_yearly_events`,
    );
    // Without the columns only PlanAlign writes: the ids, and those its schema versions appended.
    const ourColumns = ['scenario_id', 'plan_design_id', ...Object.values(MODEL_COLUMNS_SINCE).flatMap((t) => (t.fct_workforce_snapshot ?? []).map(([c]) => c))];
    await db.run(`CREATE TABLE fct_workforce_snapshot AS SELECT * EXCLUDE (${ourColumns.join(', ')}) FROM src.fct_workforce_snapshot`);
    // The reference's enrollment accumulator, in its own columns.
    await db.run(
      `CREATE TABLE int_enrollment_state_accumulator AS
       SELECT employee_id, simulation_year, is_enrolled AS enrollment_status, enrollment_date, enrollment_method,
              ever_opted_out, false AS ever_unenrolled, is_enrolled, enrollment_source
       FROM src.int_enrollment_state_accumulator`,
    );
    // D1: enrollments made by events never reached the deferral state.
    await db.run(
      `CREATE TABLE int_deferral_rate_state_accumulator_v2 AS
       SELECT employee_id, simulation_year,
              CASE WHEN rate_source = 'census' OR employee_enrollment_date < DATE '2025-01-01' THEN current_deferral_rate ELSE 0 END
                  AS current_deferral_rate,
              original_deferral_rate, escalations_received, last_escalation_date, is_enrolled_flag, employee_enrollment_date
       FROM src.int_deferral_rate_state_accumulator`,
    );
    for (const table of ['int_employee_contributions', 'int_workforce_needs', 'int_workforce_needs_by_level', 'fct_employer_match_events']) {
      await db.run(`CREATE TABLE ${table} AS SELECT * FROM src.${table}`);
    }
    // Defects: a duplicated event and a raise dated after a termination in the last year.
    await db.run(
      `INSERT INTO fct_yearly_events SELECT * FROM fct_yearly_events
       WHERE simulation_year = ${years[1]} AND event_type = 'hire' ORDER BY employee_id LIMIT 1`,
    );
    await db.run(
      `INSERT INTO fct_yearly_events
       SELECT e.* REPLACE ('raise' AS event_type, 'raise' AS event_category, make_date(${years[1]}, 12, 31)::TIMESTAMP AS effective_date)
       FROM fct_yearly_events e
       WHERE e.simulation_year = ${years[1]} AND e.event_type = 'termination' AND e.effective_date < make_date(${years[1]}, 12, 31)
       ORDER BY e.employee_id LIMIT 1`,
    );
    await db.run('DETACH src');
    await db.run('CHECKPOINT');
  } finally {
    db.close();
  }
  return { database, census, ours };
}

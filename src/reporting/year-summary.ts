import type { Database } from '../db/database.js';

/** Headline figures of one simulated year, read from the output tables. Money in dollars. */
export interface YearSummary {
  year: number;
  startingActives: number;
  activeHeadcount: number;
  hires: number;
  experiencedTerminations: number;
  newHireTerminations: number;
  growthPct: number;
  promotions: number;
  raises: number;
  /** Σ prorated pay of everyone employed at some point in the year. */
  totalCompensation: number;
  /** Mean year-end pay of the year's actives. */
  averageActivePay: number;
  /** Participating actives (deferral rate > 0 at year end) / actives. */
  participationRate: number;
  /** Mean year-end deferral rate of participating actives. */
  averageDeferralRate: number;
  employeeContributions: number;
  employerMatch: number;
  employerCore: number;
  /** Match + core. */
  employerCost: number;
}

export async function summarizeYear(db: Database, year: number): Promise<YearSummary> {
  const row = await db.one<Record<string, string | number | null>>(
    `WITH snap AS (SELECT * FROM fct_workforce_snapshot WHERE simulation_year = $1),
          ev AS (SELECT * FROM fct_yearly_events WHERE simulation_year = $1),
          -- the start-of-year population: the year's snapshot rows less its hires (works on migrated files too)
          start AS (SELECT count(*) AS n FROM snap WHERE detailed_status_code IN ('continuous_active', 'experienced_termination'))
     SELECT
       (SELECT n FROM start)::INTEGER AS starting_actives,
       (SELECT count(*) FROM snap WHERE employment_status = 'active')::INTEGER AS active_headcount,
       (SELECT count(*) FROM ev WHERE event_type = 'hire')::INTEGER AS hires,
       (SELECT count(*) FROM snap WHERE detailed_status_code = 'experienced_termination')::INTEGER AS experienced_terminations,
       (SELECT count(*) FROM snap WHERE detailed_status_code = 'new_hire_termination')::INTEGER AS new_hire_terminations,
       (SELECT count(*) FROM ev WHERE event_type = 'promotion')::INTEGER AS promotions,
       (SELECT count(*) FROM ev WHERE event_type = 'raise')::INTEGER AS raises,
       (SELECT coalesce(sum(prorated_annual_compensation), 0) FROM snap)::DOUBLE AS total_compensation,
       (SELECT coalesce(avg(current_compensation), 0) FROM snap WHERE employment_status = 'active')::DOUBLE AS average_active_pay,
       (SELECT coalesce(count(*) FILTER (WHERE participation_status = 'participating') / nullif(count(*), 0), 0)
          FROM snap WHERE employment_status = 'active')::DOUBLE AS participation_rate,
       (SELECT coalesce(avg(current_deferral_rate), 0) FROM snap
          WHERE employment_status = 'active' AND participation_status = 'participating')::DOUBLE AS average_deferral_rate,
       (SELECT coalesce(sum(ytd_contributions), 0) FROM snap)::DOUBLE AS employee_contributions,
       (SELECT coalesce(sum(employer_match_amount), 0) FROM snap)::DOUBLE AS employer_match,
       (SELECT coalesce(sum(employer_core_amount), 0) FROM snap)::DOUBLE AS employer_core`,
    [year],
  );
  if (row === undefined) throw new Error(`No summary for year ${year}`);
  const startingActives = Number(row.starting_actives);
  const activeHeadcount = Number(row.active_headcount);
  return {
    year,
    startingActives,
    activeHeadcount,
    hires: Number(row.hires),
    experiencedTerminations: Number(row.experienced_terminations),
    newHireTerminations: Number(row.new_hire_terminations),
    growthPct: startingActives === 0 ? 0 : ((activeHeadcount - startingActives) / startingActives) * 100,
    promotions: Number(row.promotions),
    raises: Number(row.raises),
    totalCompensation: Number(row.total_compensation),
    averageActivePay: Number(row.average_active_pay),
    participationRate: Number(row.participation_rate),
    averageDeferralRate: Number(row.average_deferral_rate),
    employeeContributions: Number(row.employee_contributions),
    employerMatch: Number(row.employer_match),
    employerCore: Number(row.employer_core),
    employerCost: Math.round((Number(row.employer_match) + Number(row.employer_core)) * 100) / 100,
  };
}

/**
 * A census whose plan fails ADP and ACP every year under the flat-match config of
 * test/plan-design/match-support.ts (test/compliance/reports.test.ts works the margins out): two HCEs
 * paid 200,000 defer 10 %, one of eight NHCEs paid 50,000 defers 2 %, the others nothing.
 */
export const FAILING_ACP_CENSUS = [
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate',
  'HCE_1,SSN-1,1970-01-01,2010-01-01,,200000,0.10',
  'HCE_2,SSN-2,1972-01-01,2011-01-01,,200000,0.10',
  'NHCE_1,SSN-3,1985-01-01,2015-01-01,,50000,0.02',
  ...[4, 5, 6, 7, 8, 9, 10].map((i) => `NHCE_${i - 2},SSN-${i},1985-01-01,2015-01-01,,50000,0`),
].join('\n') + '\n';

import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { RunSource } from '../../src/services/results.js';
import { containsPattern, employeeTimeline, searchEmployees } from '../../src/services/timeline.js';
import { queryRun, readRun, sharedRun } from './shared-runs.js';

/** One real run of a 300-employee census over 2025-2026 (shared-runs.ts). */
let run: RunSource = { label: 'r', database: '' };
beforeAll(async () => {
  run = { label: 'run1', database: await sharedRun('base') };
}, 120_000);

describe('employeeTimeline', () => {
  it('an employee hired and terminated in the simulation: the hire, then the termination, and the years in between', async () => {
    // A 2025 hire who left in 2026 when there is one, else one who left in the year of hire.
    const [leaver] = await queryRun<{ id: string; hired: number; left: number }>(
      run.database,
      `SELECT h.employee_id AS id, h.simulation_year AS hired, t.simulation_year AS left
       FROM fct_yearly_events h JOIN fct_yearly_events t ON t.employee_id = h.employee_id AND t.event_type = 'termination'
       WHERE h.event_type = 'hire' ORDER BY t.simulation_year - h.simulation_year DESC, h.employee_id LIMIT 1`,
    );
    expect(leaver).toBeDefined();
    const { id, hired, left } = leaver!;
    const timeline = await employeeTimeline(run, id);
    expect(timeline.employeeId).toBe(id);
    const types = timeline.events.map((e) => e.type);
    expect(types[0]).toBe('hire');
    expect(types[types.length - 1]).toBe('termination');
    const dates = timeline.events.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
    const events = await readRun(run.database, (db) => db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE employee_id = $id`, { id }));
    expect(timeline.events).toHaveLength(events!.n);
    expect(timeline.events[0]).toMatchObject({ year: hired, compensation: expect.any(Number) });

    // One year-end row per simulated year employed: hired in `hired`, terminated in `left`.
    expect(timeline.years.map((y) => y.year)).toEqual(Array.from({ length: left - hired + 1 }, (_, i) => hired + i));
    const last = timeline.years[timeline.years.length - 1]!;
    expect(last.status).toBe('terminated');
    expect(last.detailed_status).toBe(hired === left ? 'new_hire_termination' : 'experienced_termination');
    if (hired !== left) expect(timeline.years[0]).toMatchObject({ status: 'active', detailed_status: 'new_hire_active' });
    const snap = await readRun(run.database, (db) =>
      db.one<{ pay: number; contributions: number }>(
        `SELECT current_compensation::DOUBLE AS pay, ytd_contributions::DOUBLE AS contributions
         FROM fct_workforce_snapshot WHERE employee_id = $id AND simulation_year = $year`,
        { id, year: left },
      ),
    );
    expect(last.pay).toBe(snap!.pay);
    expect(last.contributions).toBe(snap!.contributions);
  });

  it('an unknown employee, or one written as SQL, is a usage error naming the run', async () => {
    for (const id of ['NOBODY', "x' OR '1'='1"]) {
      const error = await employeeTimeline(run, id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(`Employee ${JSON.stringify(id)} is not in run run1`);
    }
  });
});

describe('searchEmployees', () => {
  it('ids containing the text, those starting with it first; wildcards and quotes are plain characters', async () => {
    const [some] = await queryRun<{ id: string }>(run.database, `SELECT min(employee_id) AS id FROM fct_workforce_snapshot`);
    const id = some!.id;
    const exact = await searchEmployees(run, id.toLowerCase());
    expect(exact[0]?.employee_id).toBe(id);
    expect(exact[0]).toMatchObject({ level: expect.any(Number), status: expect.stringMatching(/^(active|terminated)$/) });
    // A piece from the middle matches too, ids starting with it before the rest.
    const piece = id.slice(1, 4);
    const found = await searchEmployees(run, piece, 200);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((e) => e.employee_id.toLowerCase().includes(piece.toLowerCase()))).toBe(true);
    const starts = found.map((e) => e.employee_id.toLowerCase().startsWith(piece.toLowerCase()));
    expect(starts).toEqual([...starts].sort((a, b) => Number(b) - Number(a)));
    expect(await searchEmployees(run, '3', 5)).toHaveLength(5);
    // Ids are EMP_000001...: "E_P" would match every one were _ a wildcard; the underscore itself is text.
    for (const text of ['%', 'E_P', 'E%1', "' OR '1'='1", '\\']) expect(await searchEmployees(run, text), text).toEqual([]);
    expect((await searchEmployees(run, 'P_0', 3)).map((e) => e.employee_id.slice(0, 5))).toEqual(['EMP_0', 'EMP_0', 'EMP_0']);
    expect(containsPattern('a%b_c\\')).toBe('%a\\%b\\_c\\\\%');
    await expect(searchEmployees(run, 'x', 0)).rejects.toThrow(/from 1 to 200, not 0/);
  });
});

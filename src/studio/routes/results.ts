import { createRoute, z } from '@hono/zod-openapi';
import { compareRuns } from '../../services/compare.js';
import { complianceByYear, deferralDistribution, queryResults, RESULT_METRICS, ResultQuerySchema } from '../../services/results.js';
import { employeeTimeline, MAX_SEARCH_RESULTS, searchEmployees } from '../../services/timeline.js';
import { errorResponses, StudioError } from '../errors.js';
import { jsonBody, jsonResponse, requireRun, RunParams, runSource, type StudioApp, type StudioDeps } from '../deps.js';

const RunRef = z.object({ scenario: z.string(), runId: z.string().openapi({ description: "a run id, or 'latest'" }) }).openapi('RunRef');
const Year = z.coerce.number().int().min(1900).max(2200);
/** A repeatable query parameter (?level=1&level=2): one value or several, as a list. */
const many = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? undefined : [v].flat()), z.array(item).optional());

export function resultRoutes(app: StudioApp, { ws }: StudioDeps): void {
  const sourceOf = (ref: { scenario: string; runId: string }) => runSource(ws, requireRun(ws, ref.scenario, ref.runId));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/results/metrics',
      tags: ['results'],
      summary: 'The metrics a result query can ask for: id, label, unit (count | usd | fraction), whether it can be grouped',
      responses: { 200: jsonResponse('Metrics', z.object({ metrics: z.array(z.unknown()) })), ...errorResponses() },
    }),
    (c) => c.json({ metrics: [...RESULT_METRICS] }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/results/query',
      tags: ['results'],
      summary: 'Figures of 1-6 runs per year, optionally grouped (level, age band, tenure band, new-hire cohort, status) and filtered',
      request: {
        body: jsonBody(z.object({ runs: z.array(RunRef).min(1).max(6), query: ResultQuerySchema })),
      },
      responses: { 200: jsonResponse('columns [{id,label,unit}] and rows {run, year, group?, <metric>...}'), ...errorResponses(404) },
    }),
    async (c) => {
      const { runs, query } = c.req.valid('json');
      return c.json(await queryResults(runs.map(sourceOf), query), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/compliance',
      tags: ['results'],
      summary: "The run's compliance tests per year (ADP, ACP, 401(a)(4), 410(b), 416, 415(c)), as `analyze compliance --json`",
      request: { params: RunParams },
      responses: { 200: jsonResponse('Per year', z.object({ years: z.array(z.unknown()) })), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      return c.json({ years: await complianceByYear(sourceOf({ scenario, runId })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/deferrals',
      tags: ['results'],
      summary: 'Year-end actives by deferral-rate bucket, per year; of the levels, age bands, tenure bands and new-hire cohorts given (each repeatable)',
      request: {
        params: RunParams,
        query: z.object({
          from: Year.optional(),
          to: Year.optional(),
          level: many(z.coerce.number().int()),
          ageBand: many(z.string()),
          tenureBand: many(z.string()),
          cohort: many(z.union([z.literal('census'), z.coerce.number().int()])).openapi({ description: "a hire year, or 'census'" }),
        }),
      },
      responses: { 200: jsonResponse('Buckets', z.object({ buckets: z.array(z.unknown()) })), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      const { from, to, level, ageBand, tenureBand, cohort } = c.req.valid('query');
      const filters = {
        ...(from === undefined && to === undefined ? {} : { years: { from: from ?? 1900, to: to ?? 2200 } }),
        ...(level === undefined ? {} : { levels: level }),
        ...(ageBand === undefined ? {} : { ageBands: ageBand }),
        ...(tenureBand === undefined ? {} : { tenureBands: tenureBand }),
        ...(cohort === undefined ? {} : { newHireCohorts: cohort }),
      };
      return c.json({ buckets: await deferralDistribution(sourceOf({ scenario, runId }), filters) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/compare',
      tags: ['results'],
      summary: "2-6 runs against a baseline (default the first): headline metrics per year, deltas, present value of cost, and each run's config diff",
      request: {
        body: jsonBody(z.object({
          runs: z.array(RunRef).min(2).max(6),
          baseline: RunRef.optional(),
          discountRate: z.number().min(0).lt(1).optional(),
          years: z.tuple([z.number().int(), z.number().int()]).optional(),
        })),
      },
      responses: { 200: jsonResponse('{ comparison, configDiff }'), ...errorResponses(404) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const sources = body.runs.map(sourceOf);
      const baseline = body.baseline === undefined ? sources[0]! : sourceOf(body.baseline);
      if (!sources.some((s) => s.label === baseline.label)) throw new StudioError(400, 'invalid_request', `baseline ${baseline.label} is not one of the runs`);
      return c.json(await compareRuns(sources, { baseline: baseline.label, discountRate: body.discountRate, years: body.years }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/employees',
      tags: ['employees'],
      summary: 'Employees whose id contains q (those starting with it first)',
      request: { params: RunParams, query: z.object({ q: z.string().default(''), limit: z.coerce.number().int().min(1).max(MAX_SEARCH_RESULTS).default(20) }) },
      responses: { 200: jsonResponse('Matches', z.object({ employees: z.array(z.unknown()) })), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      const { q, limit } = c.req.valid('query');
      return c.json({ employees: await searchEmployees(sourceOf({ scenario, runId }), q, limit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/employees/{id}',
      tags: ['employees'],
      summary: "One employee's events and year-end state per year (status, level, pay, deferral rate, contributions, employer money, balance)",
      request: { params: RunParams.extend({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: jsonResponse('Timeline'), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId, id } = c.req.valid('param');
      return c.json(await employeeTimeline(sourceOf({ scenario, runId }), id), 200);
    },
  );
}

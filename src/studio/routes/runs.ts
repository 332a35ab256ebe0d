import { readFileSync } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../errors.js';
import { jsonBody, jsonResponse, requireRun, requireScenario, RunParams, ScenarioParams, type StudioApp, type StudioDeps } from '../deps.js';
import { resumeAfter, streamRunEvents } from '../sse.js';

const RunInfoSchema = z
  .object({
    runId: z.string(),
    scenario: z.string(),
    createdAt: z.string(),
    origin: z.enum(['cli', 'studio', 'batch']),
    startYear: z.number(),
    endYear: z.number(),
    seed: z.number(),
    config: z.string().openapi({ description: "workspace-relative: the run's config snapshot" }),
    census: z.string(),
    database: z.string(),
    outcome: z.enum(['completed', 'failed', 'cancelled']).optional(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    state: z.enum(['running', 'completed', 'failed', 'cancelled', 'interrupted']).openapi({
      description: "'interrupted': its process ended without an outcome and nothing holds its database (resume offered)",
    }),
    pid: z.number().optional().openapi({ description: 'the process writing it, while running' }),
    yearsCompleted: z.array(z.number()),
    currentYear: z.number().optional(),
    currentStage: z.string().optional(),
    inputs: z.object({ config: z.string(), census: z.string(), parameters: z.string() }).optional(),
    lastEventId: z.number(),
  })
  .openapi('Run');

const Year = z.number().int().min(1900).max(2200);

export function runRoutes(app: StudioApp, { ws, runs }: StudioDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs',
      tags: ['runs'],
      summary: "The workspace's runs (of one scenario with ?scenario=), newest first, with their state",
      request: { query: z.object({ scenario: z.string().optional() }) },
      responses: { 200: jsonResponse('Runs', z.object({ runs: z.array(RunInfoSchema) })), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario } = c.req.valid('query');
      return c.json({ runs: await runs.list(scenario === undefined ? undefined : requireScenario(ws, scenario)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/scenarios/{name}/runs',
      tags: ['runs'],
      summary: "Start a run of the scenario in a child process (its own database); follow it at /api/runs/{scenario}/{runId}/events",
      request: {
        params: ScenarioParams,
        body: jsonBody(z
          .object({ startYear: Year.optional(), endYear: Year.optional(), seed: z.number().int().optional() })
          .refine((b) => b.startYear === undefined || b.endYear === undefined || b.startYear <= b.endYear, {
            message: 'startYear must not be after endYear',
            path: ['endYear'],
          }), false),
      },
      responses: { 202: jsonResponse('Started', RunInfoSchema), ...errorResponses(404, 422) },
    }),
    async (c) => c.json(await runs.start(requireScenario(ws, c.req.valid('param').name), c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}',
      tags: ['runs'],
      summary: "A run's record and state: running (with the PID), completed, failed, cancelled, or interrupted",
      request: { params: RunParams },
      responses: { 200: jsonResponse('The run', RunInfoSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      return c.json(await runs.get(scenario, requireRun(ws, scenario, runId).runId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/config',
      tags: ['runs'],
      summary: "The run's config snapshot: the scenario's YAML as the run started, its years and seed written in",
      request: { params: RunParams },
      responses: { 200: jsonResponse('The snapshot', z.object({ config: z.string(), yaml: z.string() })), ...errorResponses(404) },
    }),
    (c) => {
      const { scenario, runId } = c.req.valid('param');
      const record = requireRun(ws, scenario, runId);
      return c.json({ config: record.config, yaml: readFileSync(ws.runFile(record, 'config'), 'utf8') }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs/{scenario}/{runId}/cancel',
      tags: ['runs'],
      summary: 'Cancel a run this server started (the year in progress rolls back) and wait for it to stop; an interrupted run is marked cancelled',
      request: { params: RunParams },
      responses: { 200: jsonResponse('The run, cancelled', RunInfoSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      return c.json(await runs.cancel(scenario, requireRun(ws, scenario, runId).runId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/runs/{scenario}/{runId}/resume',
      tags: ['runs'],
      summary: 'Resume an interrupted run at its first year without a checkpoint',
      request: { params: RunParams },
      responses: { 202: jsonResponse('Resumed', RunInfoSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      return c.json(await runs.resume(scenario, requireRun(ws, scenario, runId).runId), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/runs/{scenario}/{runId}/events',
      tags: ['runs'],
      summary:
        "The run's progress as server-sent events (event: run_started, stage_started, stage_completed, year_completed, validation, notice, " +
        'then run_completed | run_failed | run_cancelled | run_interrupted, after which the stream ends); Last-Event-ID or ?after= resumes',
      request: {
        params: RunParams,
        query: z.object({ after: z.string().optional().openapi({ description: 'replay the events after this id (as Last-Event-ID)' }) }),
      },
      responses: {
        200: { description: 'text/event-stream; each data is the event as JSON {id, runId, scenario, type, data}', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(404),
      },
    }),
    (c) => {
      const { scenario, runId } = c.req.valid('param');
      const record = requireRun(ws, scenario, runId);
      const after = resumeAfter(c);
      return streamRunEvents(c, after, (afterId, listener) => runs.subscribe(record.scenario, record.runId, afterId, listener));
    },
  );
}

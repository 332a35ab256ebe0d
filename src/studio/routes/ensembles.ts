import { existsSync } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import { cancelEnsemble, ensembleThresholdShares, listEnsembles, MAX_ENSEMBLE_SEEDS, readEnsemble, startEnsemble } from '../../services/ensembles.js';
import type { Workspace } from '../../workspace/workspace.js';
import { errorResponses, notFound } from '../errors.js';
import { jsonBody, jsonResponse, requireScenario, ScenarioParams, type StudioApp, type StudioDeps } from '../deps.js';

const EnsembleSummarySchema = z
  .object({
    scenario: z.string(),
    runId: z.string(),
    seeds: z.number(),
    jobs: z.number(),
    done: z.number().openapi({ description: 'Jobs with a result (the progress of a running ensemble)' }),
    state: z.enum(['running', 'completed', 'failed', 'cancelled', 'incomplete']),
    createdAt: z.string(),
  })
  .openapi('EnsembleSummary');

const EnsembleParams = z.object({
  scenario: z.string().openapi({ param: { name: 'scenario', in: 'path' } }),
  runId: z.string().openapi({ param: { name: 'runId', in: 'path' } }),
});

const Year = z.number().int().min(1900).max(2200);
const Thresholds = z.array(z.string()).openapi({ description: "METRIC>VALUE[@YEAR], as `planalign ensemble --threshold`" });

/** The ensemble's folder exists (names checked by the workspace: 400), else 404. */
function requireEnsemble(ws: Workspace, scenario: string, runId: string): void {
  if (!existsSync(ws.ensembleDir(scenario, runId))) throw notFound(`no ensemble ${runId} of scenario ${JSON.stringify(scenario)}`);
}

export function ensembleRoutes(app: StudioApp, { ws }: StudioDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/scenarios/{name}/ensembles',
      tags: ['ensembles'],
      summary: "The scenario's ensembles, newest first, with their state",
      request: { params: ScenarioParams },
      responses: { 200: jsonResponse('Ensembles', z.object({ ensembles: z.array(EnsembleSummarySchema) })), ...errorResponses(404) },
    }),
    (c) => c.json({ ensembles: listEnsembles(ws, requireScenario(ws, c.req.valid('param').name)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/scenarios/{name}/ensembles',
      tags: ['ensembles'],
      summary: 'Start an ensemble of the scenario over several seeds (local child processes), in the background',
      request: {
        params: ScenarioParams,
        body: jsonBody(z.object({
          seeds: z.number().int().min(1).max(MAX_ENSEMBLE_SEEDS),
          startYear: Year.optional(),
          endYear: Year.optional(),
          thresholds: Thresholds.optional(),
        })),
      },
      responses: { 202: jsonResponse('Started', EnsembleSummarySchema), ...errorResponses(404, 422) },
    }),
    async (c) => {
      const name = requireScenario(ws, c.req.valid('param').name);
      const { runId } = await startEnsemble(ws, name, c.req.valid('json'));
      return c.json(listEnsembles(ws, name).find((e) => e.runId === runId)!, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/ensembles/{scenario}/{runId}',
      tags: ['ensembles'],
      summary: "A finished ensemble's bands per metric and year (mean, SD, P5-P95), thresholds and the share of seeds crossing each",
      request: { params: EnsembleParams },
      responses: { 200: jsonResponse('Results'), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      requireEnsemble(ws, scenario, runId);
      return c.json(await readEnsemble(ws, scenario, runId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/ensembles/{scenario}/{runId}/thresholds',
      tags: ['ensembles'],
      summary: "The share of a finished ensemble's seeds crossing thresholds asked now, per year (as its own thresholds)",
      request: { params: EnsembleParams, body: jsonBody(z.object({ thresholds: Thresholds.min(1).max(50) })) },
      responses: { 200: jsonResponse('Shares', z.object({ thresholdShares: z.array(z.unknown()) })), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      requireEnsemble(ws, scenario, runId);
      return c.json({ thresholdShares: await ensembleThresholdShares(ws, scenario, runId, c.req.valid('json').thresholds) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/ensembles/{scenario}/{runId}/cancel',
      tags: ['ensembles'],
      summary: 'Cancel an ensemble this server runs (queued jobs dropped, running ones roll back)',
      request: { params: EnsembleParams },
      responses: { 200: jsonResponse('Its final state', z.object({ state: z.string() })), ...errorResponses(404) },
    }),
    async (c) => {
      const { scenario, runId } = c.req.valid('param');
      requireEnsemble(ws, scenario, runId);
      return c.json({ state: await cancelEnsemble(ws, scenario, runId) }, 200);
    },
  );
}

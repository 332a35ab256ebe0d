import { createRoute, z } from '@hono/zod-openapi';
import {
  copyScenario,
  createScenario,
  deleteScenario,
  listScenarios,
  readScenario,
  renameScenario,
  SCENARIO_TEMPLATES,
  writeScenario,
} from '../../services/scenarios.js';
import { errorResponses, StudioError } from '../errors.js';
import { jsonBody, jsonResponse, requireScenario, ScenarioParams, type StudioApp, type StudioDeps } from '../deps.js';

const ScenarioSummarySchema = z
  .object({
    name: z.string(),
    modifiedAt: z.string(),
    census: z.string(),
    startYear: z.number(),
    endYear: z.number(),
    latestRunId: z.string().nullable(),
    runs: z.number(),
    valid: z.boolean(),
    error: z.string().optional(),
  })
  .openapi('ScenarioSummary');

const TargetBody = jsonBody(z.object({ to: z.string().openapi({ description: 'the new scenario name' }) }));

export function scenarioRoutes(app: StudioApp, { ws }: StudioDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/scenarios',
      tags: ['scenarios'],
      summary: "The workspace's scenarios: census, years, latest completed run, number of runs, whether each loads",
      responses: { 200: jsonResponse('Scenarios by name', z.object({ scenarios: z.array(ScenarioSummarySchema) })), ...errorResponses() },
    }),
    (c) => c.json({ scenarios: listScenarios(ws) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/scenarios',
      tags: ['scenarios'],
      summary: 'Create a scenario from a template (default), another scenario, or YAML (which must validate)',
      request: {
        body: jsonBody(z.object({
          name: z.string().openapi({ example: 'pilot' }),
          template: z.string().optional().openapi({ description: 'a template id (GET /api/templates)' }),
          scenario: z.string().optional().openapi({ description: "an existing scenario whose YAML is copied" }),
          yaml: z.string().optional(),
        })),
      },
      responses: { 201: jsonResponse('Created', ScenarioSummarySchema), ...errorResponses(409, 422) },
    }),
    async (c) => {
      const { name, ...from } = c.req.valid('json');
      return c.json(await createScenario(ws, name, from), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/templates',
      tags: ['scenarios'],
      summary: 'Plan designs a new scenario can start from',
      responses: {
        200: jsonResponse('Templates', z.object({ templates: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })) })),
        ...errorResponses(),
      },
    }),
    (c) => c.json({ templates: [...SCENARIO_TEMPLATES] }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/scenarios/{name}',
      tags: ['scenarios'],
      summary: "The scenario's YAML, as saved (comments kept)",
      request: { params: ScenarioParams },
      responses: { 200: jsonResponse('The scenario', z.object({ name: z.string(), yaml: z.string(), modifiedAt: z.string() })), ...errorResponses(404) },
    }),
    (c) => c.json(readScenario(ws, requireScenario(ws, c.req.valid('param').name)), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/scenarios/{name}',
      tags: ['scenarios'],
      summary: 'Save YAML as the scenario (new or existing) when it passes `planalign validate`; else 422 with the validation and nothing saved',
      request: { params: ScenarioParams, body: jsonBody(z.object({ yaml: z.string() })) },
      responses: { 200: jsonResponse('Saved: { saved: true, validation }'), ...errorResponses(422) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const result = await writeScenario(ws, name, c.req.valid('json').yaml);
      if (!result.saved) {
        const problems = result.validation.errors.map((e) => e.message).join('; ');
        throw new StudioError(422, 'invalid_config', `scenario ${name} not saved: ${problems}`, result.validation);
      }
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/scenarios/{name}',
      tags: ['scenarios'],
      summary: 'Delete the scenario with its runs and ensembles (refused while one of its runs is running)',
      request: { params: ScenarioParams },
      responses: { 200: jsonResponse('Deleted', z.object({ deleted: z.string() })), ...errorResponses(404) },
    }),
    async (c) => {
      const name = requireScenario(ws, c.req.valid('param').name);
      await deleteScenario(ws, name);
      return c.json({ deleted: name }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/scenarios/{name}/copy',
      tags: ['scenarios'],
      summary: "Copy the scenario's YAML under a new name (its runs stay)",
      request: { params: ScenarioParams, body: TargetBody },
      responses: { 201: jsonResponse('The copy', ScenarioSummarySchema), ...errorResponses(404, 409) },
    }),
    (c) => {
      const from = requireScenario(ws, c.req.valid('param').name);
      return c.json(copyScenario(ws, from, c.req.valid('json').to), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/scenarios/{name}/rename',
      tags: ['scenarios'],
      summary: 'Rename the scenario with its runs and ensembles (refused while one of its runs is running)',
      request: { params: ScenarioParams, body: TargetBody },
      responses: { 200: jsonResponse('Renamed', ScenarioSummarySchema), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const from = requireScenario(ws, c.req.valid('param').name);
      return c.json(await renameScenario(ws, from, c.req.valid('json').to), 200);
    },
  );
}

import { createRoute, z } from '@hono/zod-openapi';
import { parseDocument } from 'yaml';
import { parseConfig, type SimulationConfig } from '../../config/index.js';
import { configJsonSchemaWithMetadata, configKeyMetadata } from '../../config/metadata.js';
import { ConfigError } from '../../errors.js';
import { validateConfigText } from '../../services/config.js';
import { diffConfigs } from '../../services/config-diff.js';
import type { Workspace } from '../../workspace/workspace.js';
import { errorResponses } from '../errors.js';
import { jsonBody, jsonResponse, requireScenario, type StudioApp, type StudioDeps } from '../deps.js';

/** A config to diff: a scenario's, or YAML text (an editor's, unsaved). */
const ConfigOperand = z.union([z.strictObject({ scenario: z.string() }), z.strictObject({ yaml: z.string() })]);

function operandConfig(ws: Workspace, operand: z.infer<typeof ConfigOperand>, label: string): SimulationConfig {
  if ('scenario' in operand) return ws.scenarioConfig(requireScenario(ws, operand.scenario)).config;
  // The YAML 1.2 core schema, as config files are read.
  const doc = parseDocument(operand.yaml, { version: '1.2', schema: 'core' });
  if (doc.errors.length > 0) throw new ConfigError(`Invalid YAML in ${label}:`, doc.errors.map((e) => e.message.split('\n')[0] ?? ''));
  return parseConfig(doc.toJS(), { source: label }).config;
}

export function configRoutes(app: StudioApp, { ws }: StudioDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/config/metadata',
      tags: ['config'],
      summary: 'Every honoured config key: description, unit, type, default, range, allowed values',
      responses: { 200: jsonResponse('Key metadata, sorted by key', z.object({ keys: z.array(z.unknown()) })), ...errorResponses() },
    }),
    (c) => c.json({ keys: configKeyMetadata() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/config/schema',
      tags: ['config'],
      summary: 'JSON Schema (2020-12) of a config file, with descriptions and units (as `planalign schema` writes)',
      responses: { 200: jsonResponse('JSON Schema'), ...errorResponses() },
    }),
    (c) => c.json(configJsonSchemaWithMetadata(), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/config/validate',
      tags: ['config'],
      summary: 'Validate config YAML as `planalign validate` does (relative paths resolved in the workspace); nothing is saved',
      request: {
        body: jsonBody(z.object({ yaml: z.string(), allowUnknownKeys: z.boolean().optional() })),
      },
      responses: { 200: jsonResponse('The validation: valid, errors [{path, message}], warnings, ignored keys, summary'), ...errorResponses() },
    }),
    async (c) => {
      const { yaml, allowUnknownKeys } = c.req.valid('json');
      return c.json(await validateConfigText(yaml, { baseDir: ws.root, env: {}, allowUnknownKeys: allowUnknownKeys === true }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/config/diff',
      tags: ['config'],
      summary: 'The keys whose effective values differ between two configs (each a scenario or YAML text)',
      request: { body: jsonBody(z.object({ a: ConfigOperand, b: ConfigOperand })) },
      responses: { 200: jsonResponse('Differences', z.object({ differences: z.array(z.object({ key: z.string(), a: z.unknown(), b: z.unknown() })) })), ...errorResponses(404, 422) },
    }),
    (c) => {
      const { a, b } = c.req.valid('json');
      return c.json({ differences: diffConfigs(operandConfig(ws, a, 'a'), operandConfig(ws, b, 'b')) }, 200);
    },
  );
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { pino, type Logger } from 'pino';
import { packageRoot } from '../paths.js';
import { MAX_CENSUS_BYTES } from '../services/census.js';
import { RunManager } from '../services/runs.js';
import { ENGINE_VERSION } from '../version.js';
import type { Workspace } from '../workspace/workspace.js';
import { errorBody, errorResponse, errorResponses, invalidRequest, StudioError } from './errors.js';
import { jsonResponse, type StudioApp, type StudioDeps } from './deps.js';
import { homePage } from './home.js';
import { censusRoutes } from './routes/census.js';
import { configRoutes } from './routes/config.js';
import { ensembleRoutes } from './routes/ensembles.js';
import { resultRoutes } from './routes/results.js';
import { runRoutes } from './routes/runs.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { tableRoutes } from './routes/tables.js';
import { securityMiddleware } from './security.js';

/** Largest JSON request body: configs and queries are far smaller. */
export const MAX_JSON_BYTES = 1024 * 1024;
export const OPENAPI_PATH = '/api/openapi.json';

export interface StudioOptions {
  workspace: Workspace;
  /** The address the server is bound to and the port it listens on: the Host header must name them. */
  host: string;
  port: number;
  /** Required of every /api request when set (always set off loopback: the CLI refuses otherwise). */
  token?: string;
  /** The runs' manager (default: a new one; its owner closes it). */
  runs?: RunManager;
  maxJsonBytes?: number;
  /** Largest census upload (default MAX_CENSUS_BYTES). */
  maxCensusBytes?: number;
  /** The web app's files (default dist/web of the package); a small page listing the API when absent. */
  webDir?: string;
  log?: Logger;
}

/** The Studio's HTTP application: security, the API routes with their OpenAPI document, the web app. */
export function createStudioApp(options: StudioOptions): StudioApp {
  const log = options.log ?? pino({ level: 'info', base: undefined }, pino.destination(2));
  const deps: StudioDeps = {
    ws: options.workspace,
    runs: options.runs ?? new RunManager(options.workspace),
    log,
    maxCensusBytes: options.maxCensusBytes ?? MAX_CENSUS_BYTES,
  };
  const app: StudioApp = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error, result.target);
    },
  });
  app.onError((error, c) => errorResponse(error, c, log));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  app.use('*', securityMiddleware(options));
  const jsonLimit = bodyLimit({
    maxSize: options.maxJsonBytes ?? MAX_JSON_BYTES,
    onError: () => {
      throw new StudioError(413, 'too_large', `request body larger than ${options.maxJsonBytes ?? MAX_JSON_BYTES} bytes`);
    },
  });
  // Census uploads (PUT /api/census/{file}) stream to disk under their own cap; every other body is JSON.
  app.use('/api/*', (c, next) => (c.req.method === 'PUT' && /^\/api\/census\/[^/]+$/.test(c.req.path) ? next() : jsonLimit(c, next)));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/health',
      tags: ['server'],
      summary: 'Server status, engine version and workspace folder',
      responses: {
        200: jsonResponse('Up', z.object({ status: z.literal('ok'), version: z.string(), workspace: z.string() })),
        ...errorResponses(),
      },
    }),
    (c) => c.json({ status: 'ok' as const, version: ENGINE_VERSION, workspace: deps.ws.root }, 200),
  );
  configRoutes(app, deps);
  scenarioRoutes(app, deps);
  censusRoutes(app, deps);
  runRoutes(app, deps);
  resultRoutes(app, deps);
  ensembleRoutes(app, deps);
  tableRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The --token of `planalign studio` (required when it listens off loopback); ?token= works too, for EventSource.',
  });
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'PlanAlign Studio API',
      version: ENGINE_VERSION,
      description: 'Workspaces, scenarios, census files, runs with live progress, results and comparisons. Errors: { error: { code, message, details? } }.',
    },
    security: [{ bearer: [] }],
  };
  app.doc31(OPENAPI_PATH, document);

  const webDir = options.webDir ?? join(packageRoot, 'dist', 'web');
  if (existsSync(join(webDir, 'index.html'))) {
    app.use('/*', serveStatic({ root: webDir }));
  } else {
    app.get('/', (c) => c.html(homePage(app.getOpenAPI31Document(document))));
  }
  return app;
}

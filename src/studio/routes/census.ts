import { existsSync } from 'node:fs';
import { createRoute, z } from '@hono/zod-openapi';
import {
  checkCensus,
  deleteCensus,
  listCensus,
  previewCensus,
  profileCensus,
  saveCensusMapping,
  saveCensusUpload,
} from '../../services/census.js';
import { errorResponses, StudioError } from '../errors.js';
import { CensusParams, jsonBody, jsonResponse, requireCensus, requireScenario, type StudioApp, type StudioDeps } from '../deps.js';

/** How a census file is read (what its sidecar holds); absent keys: the sidecar's, else sniffed. */
const IntakeSchema = z
  .strictObject({
    separator: z.string().length(1).optional(),
    decimalComma: z.boolean().optional(),
    dateOrder: z.enum(['us', 'day-first']).optional(),
    sheet: z.string().min(1).optional(),
    rateUnit: z.enum(['percent', 'fraction']).optional(),
    columns: z.record(z.string(), z.string().min(1)).optional().openapi({ description: "census column -> the file's header for it" }),
  })
  .openapi('CensusIntake');

const ScenarioQuery = z.object({
  scenario: z.string().optional().openapi({ description: "read it as this scenario's run would (its deferral rules and first year)" }),
});

export function censusRoutes(app: StudioApp, { ws, maxCensusBytes }: StudioDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/census',
      tags: ['census'],
      summary: "The workspace's census files: format, size, sidecar, the scenarios using each",
      responses: { 200: jsonResponse('Census files by name', z.object({ files: z.array(z.unknown()) })), ...errorResponses() },
    }),
    (c) => c.json({ files: listCensus(ws) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/census/{file}',
      tags: ['census'],
      summary: `Upload a census file: the raw bytes as the body, streamed to disk and capped (413 past the cap, nothing kept)`,
      request: {
        params: CensusParams,
        query: z.object({ overwrite: z.enum(['true', 'false']).optional().openapi({ description: 'replace an existing file' }) }),
        body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
      },
      responses: { 201: jsonResponse('Stored'), ...errorResponses(409, 413) },
    }),
    async (c) => {
      const { file } = c.req.valid('param');
      const overwrite = c.req.valid('query').overwrite === 'true';
      if (!overwrite && existsSync(ws.censusFile(file))) throw new StudioError(409, 'conflict', `census file ${file} exists (?overwrite=true replaces it)`);
      const tooLarge = (message: string) => new StudioError(413, 'too_large', message);
      const declared = Number(c.req.header('content-length') ?? Number.NaN);
      if (declared > maxCensusBytes) throw tooLarge(`census upload ${file} is ${declared} bytes, more than the ${maxCensusBytes} allowed`);
      const body = c.req.raw.body;
      if (body === null) throw new StudioError(400, 'bad_request', 'the census file is the request body, and it is empty');
      // Counted here too: only the service's cap decides, this tells its refusal from the others.
      let received = 0;
      async function* counted() {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength;
          yield chunk;
        }
      }
      try {
        return c.json(await saveCensusUpload(ws, file, counted(), { maxBytes: maxCensusBytes, overwrite }), 201);
      } catch (error) {
        if (received > maxCensusBytes && error instanceof Error) throw tooLarge(error.message);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/census/{file}',
      tags: ['census'],
      summary: 'Delete a census file and its sidecar (refused while a scenario uses it)',
      request: { params: CensusParams },
      responses: { 200: jsonResponse('Deleted', z.object({ deleted: z.string() })), ...errorResponses(404) },
    }),
    (c) => {
      const file = requireCensus(ws, c.req.valid('param').file);
      deleteCensus(ws, file);
      return c.json({ deleted: file }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/census/{file}/preview',
      tags: ['census'],
      summary: 'The header and first rows as read, and the column mapping they suggest',
      request: { params: CensusParams, query: z.object({ rows: z.coerce.number().int().min(0).max(1000).optional() }) },
      responses: { 200: jsonResponse('Preview'), ...errorResponses(404, 422) },
    }),
    async (c) => c.json(await previewCensus(ws, requireCensus(ws, c.req.valid('param').file), c.req.valid('query').rows), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/census/{file}/check',
      tags: ['census'],
      summary: 'Check the census as `planalign census check` does: rows, mapping, warnings, or its problems by row and column',
      request: {
        params: CensusParams,
        body: jsonBody(z.object({ intake: IntakeSchema.optional(), scenario: z.string().optional() }), false),
      },
      responses: { 200: jsonResponse('The check (valid: false with problems for a refused census)'), ...errorResponses(404) },
    }),
    async (c) => {
      const file = requireCensus(ws, c.req.valid('param').file);
      const { intake, scenario } = c.req.valid('json');
      return c.json(await checkCensus(ws, file, { ...(intake && { intake }), ...(scenario !== undefined && { scenario: requireScenario(ws, scenario) }) }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/census/{file}/mapping',
      tags: ['census'],
      summary: 'Save how the file is read (its sidecar), once these options read it',
      request: { params: CensusParams, body: jsonBody(z.object({ intake: IntakeSchema })) },
      responses: { 200: jsonResponse('The sidecar written', z.object({ sidecar: z.string() })), ...errorResponses(404, 422) },
    }),
    async (c) => {
      const file = requireCensus(ws, c.req.valid('param').file);
      return c.json({ sidecar: await saveCensusMapping(ws, file, c.req.valid('json').intake) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/census/{file}/profile',
      tags: ['census'],
      summary: 'The starting workforce: headcount by level, age and tenure band, pay distribution, participation',
      request: { params: CensusParams, query: ScenarioQuery },
      responses: { 200: jsonResponse('Profile (usd, fractions)'), ...errorResponses(404, 422) },
    }),
    async (c) => {
      const file = requireCensus(ws, c.req.valid('param').file);
      const { scenario } = c.req.valid('query');
      return c.json(await profileCensus(ws, file, scenario === undefined ? {} : { scenario: requireScenario(ws, scenario) }), 200);
    },
  );
}

import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import {
  CensusError,
  ConfigError,
  ConflictError,
  DatabaseInUseError,
  DatabaseStateError,
  NotFoundError,
  PlanAlignError,
  RulesModuleError,
  UsageError,
  ValidationFailedError,
} from '../errors.js';

/** The one error body of the API, for every 4xx and 5xx. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string().openapi({ example: 'no scenario "pilot" in the workspace' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof ErrorSchema>;

/** An HTTP-level refusal of the Studio itself (not found, forbidden, too large...). */
export class StudioError extends PlanAlignError {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Status and code of an engine error, by its kind: the client's fault is 4xx, the engine's is 500. */
function classify(error: PlanAlignError): { status: ContentfulStatusCode; code: string; details?: unknown } {
  if (error instanceof StudioError) return { status: error.status, code: error.code, details: error.details };
  if (error instanceof ConfigError) return { status: 422, code: 'invalid_config', details: error.issues.length > 0 ? { issues: error.issues } : undefined };
  if (error instanceof CensusError) return { status: 422, code: 'invalid_census' };
  if (error instanceof ValidationFailedError) return { status: 422, code: 'validation_failed', details: { year: error.simulationYear, failures: error.failures } };
  if (error instanceof DatabaseInUseError) return { status: 409, code: 'in_use', details: { pid: error.pid ?? null } };
  if (error instanceof DatabaseStateError || error instanceof ConflictError) return { status: 409, code: 'conflict' };
  if (error instanceof NotFoundError) return { status: 404, code: 'not_found' };
  if (error instanceof UsageError || error instanceof RulesModuleError) return { status: 400, code: 'bad_request' };
  return { status: 500, code: 'run_failed' };
}

/** The request's error as the API's error body; anything that is not ours is logged and hidden. */
export function errorResponse(error: unknown, c: Context, log: Logger): Response {
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return c.json(errorBody(status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request', error.message), status);
  }
  if (error instanceof PlanAlignError) {
    const { status, code, details } = classify(error);
    if (status >= 500) log.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(errorBody(code, error.message, details), status);
  }
  log.error({ err: error, method: c.req.method, path: c.req.path }, 'internal error');
  return c.json(errorBody('internal', 'internal error'), 500);
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** A request that failed its zod schema: 400 with each issue's path and message. */
export function invalidRequest(error: ZodError, target: string): StudioError {
  const issues = error.issues.map((i) => ({ path: [target, ...i.path.map(String)].join('.'), message: i.message }));
  return new StudioError(400, 'invalid_request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

export function notFound(message: string): StudioError {
  return new StudioError(404, 'not_found', message);
}

/** The error responses every route documents. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 422>) {
  const descriptions = {
    400: 'Invalid request',
    401: 'Missing or wrong token',
    403: 'Foreign origin or host',
    404: 'Not found',
    409: 'In use or in a conflicting state',
    413: 'Body too large',
    422: 'Invalid config or census',
  };
  return Object.fromEntries(
    [...new Set([400, 401, 403, ...statuses])].map((s) => [
      s,
      { description: descriptions[s as keyof typeof descriptions], content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );
}

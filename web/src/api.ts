/**
 * The Studio's HTTP API as the web app calls it: JSON in and out under /api, the server's error body
 * as an ApiError, the token of `planalign studio --token` sent when the page was opened with ?token=.
 * The browser never sends SQL: only these calls.
 */

import type { KeyMetadata } from '../../src/config/metadata.js';
import type { ColumnUnit } from '../../src/reporting/columns.js';
import type { CensusCheck, CensusFileInfo, CensusPreview, CensusProfile } from '../../src/services/census.js';
import type { RunComparison } from '../../src/services/compare.js';
import type { ConfigDiffEntry } from '../../src/services/config-diff.js';
import type { ConfigProblem, ConfigValidation } from '../../src/services/config.js';
import type { EnsembleResults, EnsembleSummary } from '../../src/services/ensembles.js';
import type { RunEvent, RunEventType } from '../../src/services/progress-log.js';
import type { ResultFilters, ResultGroup, ResultMetric, ResultQuery, ResultTable, ResultValue } from '../../src/services/results.js';
import type { RunInfo } from '../../src/services/runs.js';
import type { ScenarioSummary } from '../../src/services/scenarios.js';
import type { EmployeeMatch, EmployeeTimeline, TimelineEvent, TimelineYear } from '../../src/services/timeline.js';

const TOKEN_KEY = 'planalign.token';

/** The token of the page's ?token= (kept for the tab's session, so in-app navigation keeps it). */
function token(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl !== null) sessionStorage.setItem(TOKEN_KEY, fromUrl);
  return sessionStorage.getItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request(method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t !== null) headers.Authorization = `Bearer ${t}`;
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  let response: Response;
  try {
    response = await fetch(`api${path}`, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, 'network', `The Studio server did not answer (${(error as Error).message}): is it still running?`);
  }
  if (!response.ok) {
    const text = await response.text();
    let parsed: { error?: { code?: string; message?: string; details?: unknown } } = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not the API's error body (a proxy's page): its text is the message.
    }
    const e = parsed.error;
    throw new ApiError(response.status, e?.code ?? 'http', e?.message ?? (text.trim() || response.statusText), e?.details);
  }
  return response;
}

async function json<T>(response: Response): Promise<T> {
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

const JSON_TYPE = 'application/json';

export const api = {
  get: async <T>(path: string): Promise<T> => json<T>(await request('GET', path)),
  post: async <T>(path: string, body?: unknown): Promise<T> =>
    json<T>(await request('POST', path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : JSON_TYPE)),
  /** A JSON body, or raw bytes (a census upload) with their content type. */
  put: async <T>(path: string, body: unknown, contentType?: string): Promise<T> =>
    json<T>(await request('PUT', path, contentType === undefined ? JSON.stringify(body) : (body as BodyInit), contentType ?? JSON_TYPE)),
  del: async <T>(path: string): Promise<T> => json<T>(await request('DELETE', path)),
  /** A POST whose answer is a file (an XLSX workbook): its bytes. */
  postForBlob: async (path: string, body: unknown): Promise<Blob> => (await request('POST', path, JSON.stringify(body), JSON_TYPE)).blob(),
};

/** A path segment of the API, encoded: api.get(`/scenarios/${seg(name)}`). */
export const seg = encodeURIComponent;

/**
 * A run's progress events: replayed from `afterId`, then live; the EventSource reconnects by itself
 * (sending Last-Event-ID, so nothing is missed or repeated) and is closed after the terminal event.
 * Returns a function that closes it.
 */
export function streamRunEvents(scenario: string, runId: string, onEvent: (e: RunEvent) => void, afterId = 0): () => void {
  const params = new URLSearchParams({ after: String(afterId) });
  const t = token();
  if (t !== null) params.set('token', t);
  const source = new EventSource(`api/runs/${seg(scenario)}/${seg(runId)}/events?${params}`);
  const listener = (message: MessageEvent<string>): void => {
    const event = JSON.parse(message.data) as RunEvent;
    if (TERMINAL_EVENTS.includes(event.type)) source.close();
    onEvent(event);
  };
  for (const type of RUN_EVENT_TYPES) source.addEventListener(type, listener);
  return () => source.close();
}

// ---------------------------------------------------------------------------------------------
// The API's JSON: the server's own types (the type-only imports above, erased from the bundle), so the two cannot drift.

export type {
  CensusCheck,
  CensusFileInfo,
  CensusPreview,
  CensusProfile,
  ConfigDiffEntry,
  ConfigProblem,
  ConfigValidation,
  EmployeeMatch,
  EmployeeTimeline,
  EnsembleResults,
  EnsembleSummary,
  KeyMetadata,
  ResultFilters,
  ResultGroup,
  ResultMetric,
  ResultQuery,
  ResultTable,
  ResultValue,
  RunComparison,
  RunEvent,
  RunEventType,
  RunInfo,
  ScenarioSummary,
  TimelineEvent,
  TimelineYear,
};

/** The unit of a figure or column: how it is formatted and aligned. */
export type Unit = ColumnUnit;
export type ResultColumn = ResultTable['columns'][number];
export type RunState = RunInfo['state'];

export interface Health {
  status: 'ok';
  version: string;
  workspace: string;
}

/** Every event type, to listen to each on the EventSource (the server names each SSE event by its type). */
export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'run_started',
  'stage_started',
  'stage_completed',
  'year_completed',
  'validation',
  'notice',
  'run_completed',
  'run_failed',
  'run_cancelled',
  'run_interrupted',
];
export const TERMINAL_EVENTS: readonly RunEventType[] = ['run_completed', 'run_failed', 'run_cancelled', 'run_interrupted'];

// ---- Census page (P2) ----------------------------------------------------------------------

/**
 * PUT of a file's bytes with its upload progress (0..1), which fetch cannot report: a census of
 * ~100 MB takes a while. Errors as `request`'s: the API's error body as an ApiError.
 */
export function putWithProgress<T>(path: string, body: Blob, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `api${path}`);
    const t = token();
    if (t !== null) xhr.setRequestHeader('Authorization', `Bearer ${t}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The Studio server did not answer: is it still running?'));
    xhr.onload = () => {
      let parsed: { error?: { code?: string; message?: string; details?: unknown } } | T | undefined;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's page): its text is the message.
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      const e = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      reject(new ApiError(xhr.status, e?.code ?? 'http', e?.message ?? (xhr.responseText.trim() || xhr.statusText), e?.details));
    };
    xhr.send(body);
  });
}

// Scenarios page (P1): a plan design a new scenario can start from (GET /api/templates).
export type ScenarioTemplate = (typeof import('../../src/services/scenarios.js').SCENARIO_TEMPLATES)[number];

// Dashboard and Compare (P3): the deferral-rate buckets and a compliance test's record of a year, as the API sends them.
export type DeferralBucket = Awaited<ReturnType<typeof import('../../src/services/results.js').deferralDistribution>>[number];
export type ComplianceRecord = Awaited<ReturnType<typeof import('../../src/services/results.js').complianceByYear>>[number];

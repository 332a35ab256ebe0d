import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { existingCensus } from '../services/census.js';
import type { RunSource } from '../services/results.js';
import type { RunManager } from '../services/runs.js';
import type { RunRecord, Workspace } from '../workspace/workspace.js';
import { notFound } from './errors.js';

/** What every route handler reaches: the workspace and the server's logger. */
export interface StudioDeps {
  ws: Workspace;
  runs: RunManager;
  log: Logger;
  /** Largest census upload, in bytes. */
  maxCensusBytes: number;
}

export type StudioApp = OpenAPIHono;

/** A JSON response of the OpenAPI document. */
export function jsonResponse(description: string, schema: z.ZodType = z.unknown()) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body of the OpenAPI document (optional: absent, it reads as {}). */
export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

/** The scenario's name, checked by the workspace's rule (400) and known (404). */
export function requireScenario(ws: Workspace, name: string): string {
  ws.existingScenarioFile(name);
  return name;
}

/** The census file's name, checked (400) and present (404). */
export function requireCensus(ws: Workspace, file: string): string {
  existingCensus(ws, file);
  return file;
}

/** The run's record ('latest': the scenario's newest completed run): names checked (400), the run known (404). */
export function requireRun(ws: Workspace, scenario: string, runId: string): RunRecord {
  const id = runId === 'latest' ? ws.latestRun(requireScenario(ws, scenario)) : runId;
  if (id === undefined) throw notFound(`Scenario ${scenario} has no completed run`);
  return ws.runRecord(scenario, id);
}

/** The run's database and config as the result services read them, named scenario/runId. */
export function runSource(ws: Workspace, record: RunRecord): RunSource {
  return { label: `${record.scenario}/${record.runId}`, database: ws.runFile(record, 'database'), config: ws.runFile(record, 'config') };
}

export const ScenarioParams = z.object({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, description: 'scenario name: 1-63 of a-z 0-9 _ -', example: 'default' }),
});
export const CensusParams = z.object({
  file: z.string().openapi({ param: { name: 'file', in: 'path' }, description: 'census file name (no folder), .csv/.xlsx/.parquet', example: 'census_5000.parquet' }),
});
export const RunParams = z.object({
  scenario: z.string().openapi({ param: { name: 'scenario', in: 'path' }, example: 'default' }),
  runId: z.string().openapi({ param: { name: 'runId', in: 'path' }, description: "YYYYMMDDTHHMMSSmmmZ-xxxx, or 'latest' (the newest completed run)", example: '20261201T022711123Z-3f9a' }),
});

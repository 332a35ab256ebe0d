import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeCensus } from '../../src/census/index.js';
import type { StudioApp } from '../../src/studio/deps.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { useTempDir } from '../support/tmp.js';
import { call, expectError, testApp } from './support.js';

const tempDir = useTempDir();
let ws: Workspace;
let app: StudioApp;

beforeEach(() => {
  ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
  app = testApp({ workspace: ws, maxCensusBytes: 64 * 1024 });
});

const json = async <T = any>(response: Response, status = 200): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};

/** A census CSV of `employees` rows from our generator, as bytes. */
async function censusCsv(employees: number): Promise<Buffer> {
  const out = join(tempDir(), `c${employees}.csv`);
  await writeCensus({ employees, seed: 3, out });
  return readFileSync(out);
}

const upload = (file: string, body: BodyInit, query = '') =>
  call(app, 'PUT', `/api/census/${encodeURIComponent(file)}${query}`, { body, headers: { 'content-type': 'application/octet-stream' } });

describe('scenarios', () => {
  it('lists the seeded default, creates from a template, a scenario and YAML, reads, copies, renames and deletes', async () => {
    const { scenarios } = await json(await call(app, 'GET', '/api/scenarios'));
    expect(scenarios).toEqual([expect.objectContaining({ name: 'default', census: 'census/census_5000.parquet', startYear: 2025, endYear: 2029, valid: true, runs: 0, latestRunId: null })]);
    const { templates } = await json(await call(app, 'GET', '/api/templates'));
    expect(templates.map((t: { id: string }) => t.id)).toContain('tiered_match');

    expect(await json(await call(app, 'POST', '/api/scenarios', { json: { name: 'tiered', template: 'tiered_match' } }), 201)).toMatchObject({ name: 'tiered', valid: true });
    expect(readFileSync(ws.scenarioFile('tiered'), 'utf8')).toMatch(/active_formula: '?tiered_match'?/);
    await json(await call(app, 'POST', '/api/scenarios', { json: { name: 'twin', scenario: 'tiered' } }), 201);
    const yaml = readFileSync(ws.scenarioFile('default'), 'utf8').replace('end_year: 2029', 'end_year: 2026');
    expect(await json(await call(app, 'POST', '/api/scenarios', { json: { name: 'short', yaml } }), 201)).toMatchObject({ endYear: 2026 });

    const read = await json(await call(app, 'GET', '/api/scenarios/short'));
    expect(read.yaml).toBe(yaml); // as saved, comments included
    expect(await json(await call(app, 'POST', '/api/scenarios/short/copy', { json: { to: 'short-2' } }), 201)).toMatchObject({ name: 'short-2', endYear: 2026 });
    expect(await json(await call(app, 'POST', '/api/scenarios/short-2/rename', { json: { to: 'short_3' } }))).toMatchObject({ name: 'short_3' });
    expect(existsSync(ws.scenarioFile('short-2'))).toBe(false);
    expect(await json(await call(app, 'DELETE', '/api/scenarios/short_3'))).toEqual({ deleted: 'short_3' });
    expect(ws.scenarioNames()).toEqual(['default', 'short', 'tiered', 'twin']);
  });

  it('PUT saves valid YAML and refuses invalid YAML with 422 and its validation, leaving the file as it was', async () => {
    const before = readFileSync(ws.scenarioFile('default'), 'utf8');
    const edited = before.replace('random_seed: 42', 'random_seed: 7 # edited');
    expect(await json(await call(app, 'PUT', '/api/scenarios/default', { json: { yaml: edited } }))).toMatchObject({ saved: true, validation: { valid: true } });
    expect(readFileSync(ws.scenarioFile('default'), 'utf8')).toBe(edited);

    const response = await call(app, 'PUT', '/api/scenarios/default', { json: { yaml: edited.replace('end_year: 2029', 'end_year: later') } });
    const body = (await response.clone().json()) as { error: { details: { valid: boolean; errors: Array<{ path: string }> } } };
    await expectError(response, 422, 'invalid_config');
    expect(body.error.details.valid).toBe(false);
    expect(body.error.details.errors.map((e) => e.path)).toContain('simulation.end_year');
    expect(readFileSync(ws.scenarioFile('default'), 'utf8')).toBe(edited);

    // Creating from invalid YAML: nothing created.
    await expectError(await call(app, 'POST', '/api/scenarios', { json: { name: 'broken', yaml: 'simulation: {start_year: x}' } }), 422, 'invalid_config');
    expect(existsSync(ws.scenarioFile('broken'))).toBe(false);
  });

  it('refuses bad names (400), unknown scenarios (404) and taken names (409) in the error shape', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', 'Default', '.hidden', '%2Ftmp%2Fx', 'a%00b']) {
      await expectError(await call(app, 'GET', `/api/scenarios/${name}`), 400, 'bad_request');
    }
    await expectError(await call(app, 'POST', '/api/scenarios', { json: { name: '../escape' } }), 400, 'bad_request');
    await expectError(await call(app, 'POST', '/api/scenarios/default/copy', { json: { to: '../../x' } }), 400, 'bad_request');
    await expectError(await call(app, 'GET', '/api/scenarios/nope'), 404, 'not_found');
    await expectError(await call(app, 'DELETE', '/api/scenarios/nope'), 404, 'not_found');
    await expectError(await call(app, 'POST', '/api/scenarios/nope/rename', { json: { to: 'other' } }), 404, 'not_found');
    await expectError(await call(app, 'POST', '/api/scenarios', { json: { name: 'default' } }), 409, 'conflict');
    await expectError(await call(app, 'POST', '/api/scenarios/default/copy', { json: { to: 'default' } }), 409, 'conflict');
    await expectError(await call(app, 'POST', '/api/scenarios', { json: { name: 'x', template: 'no_such_template' } }), 400, 'bad_request');
    await expectError(await call(app, 'POST', '/api/scenarios', { json: { name: 'x', template: 'default', scenario: 'default' } }), 400, 'bad_request');
    expect(ws.scenarioNames()).toEqual(['default']);
  });

  it('POST /api/config/diff: what differs between a scenario and YAML text', async () => {
    await json(await call(app, 'POST', '/api/scenarios', { json: { name: 'tiered', template: 'tiered_match' } }), 201);
    const { differences } = await json(await call(app, 'POST', '/api/config/diff', { json: { a: { scenario: 'default' }, b: { scenario: 'tiered' } } }));
    expect(differences).toContainEqual({ key: 'employer_match.active_formula', a: 'simple_match', b: 'tiered_match' });
    const yaml = readFileSync(ws.scenarioFile('default'), 'utf8').replace('random_seed: 42', 'random_seed: 43');
    const seedOnly = await json(await call(app, 'POST', '/api/config/diff', { json: { a: { scenario: 'default' }, b: { yaml } } }));
    expect(seedOnly.differences).toEqual([{ key: 'simulation.random_seed', a: 42, b: 43 }]);
    await expectError(await call(app, 'POST', '/api/config/diff', { json: { a: { scenario: 'default' }, b: { yaml: 'simulation: [' } } }), 422, 'invalid_config');
    await expectError(await call(app, 'POST', '/api/config/diff', { json: { a: { scenario: 'nope' }, b: { yaml } } }), 404, 'not_found');
  });
});

describe('census files', () => {
  it('uploads (streamed), lists, previews, checks, saves a mapping, profiles and deletes', async () => {
    const csv = await censusCsv(40);
    const stored = await json(await upload('small.csv', csv), 201);
    expect(stored).toMatchObject({ file: 'small.csv', format: 'csv', bytes: csv.length, sidecar: false, usedBy: [] });
    expect(readFileSync(ws.censusFile('small.csv'))).toEqual(csv);
    const { files } = await json(await call(app, 'GET', '/api/census'));
    expect(files.map((f: { file: string; usedBy: string[] }) => [f.file, f.usedBy])).toEqual([
      ['census_5000.parquet', ['default']],
      ['small.csv', []],
    ]);

    const preview = await json(await call(app, 'GET', '/api/census/small.csv/preview?rows=3'));
    expect(preview.rows).toHaveLength(3);
    expect(preview.header[0]).toBe('employee_id');
    expect(preview.suggested.employee_id).toBe('employee_id');

    const check = await json(await call(app, 'POST', '/api/census/small.csv/check', { json: {} }));
    expect(check).toMatchObject({ valid: true, rows: 40, problems: [] });
    expect(check.activeRows + check.terminatedRows).toBe(40);

    expect(await json(await call(app, 'PUT', '/api/census/small.csv/mapping', { json: { intake: { separator: ',' } } }))).toEqual({ sidecar: 'census/small.csv.planalign.yaml' });
    expect(existsSync(join(ws.root, 'census', 'small.csv.planalign.yaml'))).toBe(true);

    const profile = await json(await call(app, 'GET', '/api/census/small.csv/profile'));
    expect(profile.activeHeadcount).toBe(check.activeRows);
    expect(profile.byLevel.reduce((sum: number, l: { count: number }) => sum + l.count, 0)).toBe(profile.activeHeadcount);

    expect(await json(await call(app, 'DELETE', '/api/census/small.csv'))).toEqual({ deleted: 'small.csv' });
    expect(readdirSync(join(ws.root, 'census'))).toEqual(['census_5000.parquet']);
  });

  it('a census refused for its contents is a check result with its problems, not an error', async () => {
    const bad = Buffer.from('employee_id,employee_hire_date,employee_gross_compensation\nE1,2020-01-01,abc\n');
    await json(await upload('bad.csv', bad), 201);
    const check = await json(await call(app, 'POST', '/api/census/bad.csv/check', { json: {} }));
    expect(check.valid).toBe(false);
    expect(check.problems.length).toBeGreaterThan(0);
    expect(check.error).toBeTypeOf('string');
  });

  it('refuses an upload over the cap with 413 and keeps nothing of it, by its length or as it streams', async () => {
    const big = Buffer.alloc(100 * 1024, 'a');
    await expectError(await upload('big.csv', big), 413, 'too_large');
    // Without a length (chunked), the stream is cut when it passes the cap.
    const chunks = [big.subarray(0, 50 * 1024), big.subarray(50 * 1024)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const response = await app.request('/api/census/big.csv', {
      method: 'PUT',
      headers: { host: '127.0.0.1:8765', 'content-type': 'application/octet-stream' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(response, 413, 'too_large');
    expect(readdirSync(join(ws.root, 'census'))).toEqual(['census_5000.parquet']);
  });

  it('refuses path-like names (400), unknown files (404), an existing file without overwrite (409), a used census (409)', async () => {
    for (const name of ['..%2F..%2Fworkspace.json', '..%2Fscenarios%2Fdefault.csv', '%2Fetc%2Fpasswd.csv', 'notes.txt', 'a%5Cb.csv']) {
      await expectError(await call(app, 'PUT', `/api/census/${name}`, { body: 'x', headers: { 'content-type': 'application/octet-stream' } }), 400, 'bad_request');
      await expectError(await call(app, 'GET', `/api/census/${name}/preview`), 400, 'bad_request');
    }
    await expectError(await call(app, 'GET', '/api/census/missing.csv/preview'), 404, 'not_found');
    await expectError(await call(app, 'DELETE', '/api/census/missing.csv'), 404, 'not_found');
    const csv = await censusCsv(5);
    await json(await upload('five.csv', csv), 201);
    await expectError(await upload('five.csv', csv), 409, 'conflict');
    expect(await json(await upload('five.csv', csv, '?overwrite=true'), 201)).toMatchObject({ bytes: csv.length });
    const message = await expectError(await call(app, 'DELETE', '/api/census/census_5000.parquet'), 409, 'conflict');
    expect(message).toContain('used by scenario default');
    await expectError(await call(app, 'POST', '/api/census/five.csv/check', { json: { scenario: 'nope' } }), 404, 'not_found');
  });
});

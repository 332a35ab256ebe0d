import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studioCommand } from '../../src/cli/commands/studio.js';
import { UsageError } from '../../src/errors.js';
import { ENGINE_VERSION } from '../../src/version.js';
import { startStudio, type StudioServer } from '../../src/studio/server.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { call, expectError, HOST_HEADER, ORIGIN, rawRequest, testApp } from './support.js';

const tempDir = useTempDir();
let ws: Workspace;
let wsDir: string;

beforeAll(() => {
  // Its own folder (not useTempDir's, removed after each test): every test here reads it.
  wsDir = join(process.env.TMPDIR ?? '/tmp', `studio-server-${process.pid}`);
  ws = Workspace.open(wsDir, { create: true });
});

describe('the app (app.request)', () => {
  it('GET /api/health: status, engine version and the workspace folder', async () => {
    const response = await call(testApp({ workspace: ws }), 'GET', '/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', version: ENGINE_VERSION, workspace: ws.root });
  });

  it('an unknown route is a 404 in the error shape', async () => {
    await expectError(await call(testApp({ workspace: ws }), 'GET', '/api/nothing-here'), 404, 'not_found');
  });

  it('the OpenAPI 3.1 document lists every API route the app serves', async () => {
    const app = testApp({ workspace: ws });
    const response = await call(app, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = app.routes
      .filter((r) => r.path.startsWith('/api/') && r.path !== '/api/openapi.json' && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toContain('POST /api/config/validate');
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('GET /api/config/metadata and /api/config/schema: every honoured key with its unit; the JSON Schema', async () => {
    const app = testApp({ workspace: ws });
    const { keys } = (await (await call(app, 'GET', '/api/config/metadata')).json()) as { keys: Array<{ key: string; unit: string; description: string }> };
    expect(keys.length).toBeGreaterThan(300);
    expect(keys.find((k) => k.key === 'simulation.start_year')).toMatchObject({ unit: 'year', section: 'simulation' });
    const schema = (await (await call(app, 'GET', '/api/config/schema')).json()) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toContain('2020-12');
    expect(Object.keys(schema.properties)).toContain('employer_match');
  });

  it('POST /api/config/validate: a valid config, and a bad one with the messages of `planalign validate`', async () => {
    const app = testApp({ workspace: ws });
    const yaml = readFileSync(ws.scenarioFile('default'), 'utf8');
    const ok = (await (await call(app, 'POST', '/api/config/validate', { json: { yaml } })).json()) as { valid: boolean; summary: string[] };
    expect(ok.valid).toBe(true);
    expect(ok.summary[0]).toBe('Configuration is valid');

    const bad = yaml.replace('start_year: 2025', 'start_year: soon');
    const response = await call(app, 'POST', '/api/config/validate', { json: { yaml: bad } });
    expect(response.status).toBe(200); // an invalid config is an answer, not a failed request
    const result = (await response.json()) as { valid: boolean; errors: Array<{ path: string; message: string }> };
    expect(result.valid).toBe(false);
    const problem = result.errors.find((e) => e.path === 'simulation.start_year');
    expect(problem).toBeDefined();
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), bad);
    const cli = runCli(['validate', '--config', join(dir, 'bad.yaml')]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(problem!.message);
  });

  it('a request that fails its schema, malformed JSON and a wrong media type are 400/415 in the error shape', async () => {
    const app = testApp({ workspace: ws });
    const message = await expectError(await call(app, 'POST', '/api/config/validate', { json: { yml: 'x' } }), 400, 'invalid_request');
    expect(message).toContain('json.yaml');
    await expectError(
      await call(app, 'POST', '/api/config/validate', { body: '{"yaml":', headers: { 'content-type': 'application/json' } }),
      400,
      'bad_request',
    );
    await expectError(await call(app, 'POST', '/api/config/validate', { body: 'yaml: 1', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });

  it('a JSON body over the limit is refused with 413 before it is read', async () => {
    const app = testApp({ workspace: ws, maxJsonBytes: 1000 });
    await expectError(await call(app, 'POST', '/api/config/validate', { json: { yaml: 'x'.repeat(2000) } }), 413, 'too_large');
    // A census mapping is JSON too (only the census upload itself streams under its own cap).
    await expectError(await call(app, 'PUT', '/api/census/census_5000.parquet/mapping', { json: { intake: { sheet: 'x'.repeat(2000) } } }), 413, 'too_large');
  });
});

describe('security', () => {
  it('refuses a Host that is not the bound address (DNS rebinding), and takes the loopback names of it', async () => {
    const app = testApp({ workspace: ws });
    for (const host of ['evil.example:8765', 'evil.example', '127.0.0.1:9999', '127.0.0.1', '10.0.0.1:8765']) {
      await expectError(await call(app, 'GET', '/api/health', { headers: { host } }), 403, 'forbidden_host');
    }
    for (const host of ['localhost:8765', 'LOCALHOST:8765', '[::1]:8765']) {
      expect((await call(app, 'GET', '/api/health', { headers: { host } })).status).toBe(200);
    }
  });

  it('refuses a foreign Origin on state-changing requests and reads alike; the own origin and none pass', async () => {
    const app = testApp({ workspace: ws });
    const json = { yaml: 'simulation: {start_year: 2025}' };
    for (const origin of ['http://evil.example', 'null', `http://${HOST_HEADER}.evil.example`, 'http://localhost:9999']) {
      await expectError(await call(app, 'POST', '/api/config/validate', { json, headers: { origin } }), 403, 'forbidden_origin');
      await expectError(await call(app, 'GET', '/api/health', { headers: { origin } }), 403, 'forbidden_origin');
    }
    expect((await call(app, 'POST', '/api/config/validate', { json, headers: { origin: ORIGIN } })).status).toBe(200);
    expect((await call(app, 'POST', '/api/config/validate', { json })).status).toBe(200);
  });

  it('with a token, every API request needs it (Bearer or ?token=); a wrong one is refused', async () => {
    const app = testApp({ workspace: ws, token: 's3cret-token' });
    await expectError(await call(app, 'GET', '/api/health'), 401, 'unauthorized');
    await expectError(await call(app, 'GET', '/api/health', { headers: { authorization: 'Bearer s3cret-tokeN' } }), 401, 'unauthorized');
    await expectError(await call(app, 'GET', '/api/health?token=s3cret'), 401, 'unauthorized');
    expect((await call(app, 'GET', '/api/health', { headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    expect((await call(app, 'GET', '/api/health?token=s3cret-token')).status).toBe(200);
    // The page itself holds no data.
    expect((await call(app, 'GET', '/')).status).toBe(200);
  });

  it('serves the web app from its folder when built, never a file outside it; else a page listing the API', async () => {
    const page = await (await call(testApp({ workspace: ws, webDir: join(tempDir(), 'none') }), 'GET', '/')).text();
    expect(page).toContain('href="/api/openapi.json"');
    expect(page).toContain('/api/config/validate');

    const web = join(tempDir(), 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<html>studio</html>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(web, '..', 'secret.txt'), 'TOP-SECRET-CONTENT');
    const app = testApp({ workspace: ws, webDir: web });
    expect(await (await call(app, 'GET', '/')).text()).toBe('<html>studio</html>');
    expect(await (await call(app, 'GET', '/assets/app.js')).text()).toBe('console.log(1)');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await call(app, 'GET', path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('TOP-SECRET-CONTENT');
    }
  });
});

describe('the server on loopback', () => {
  let studio: StudioServer;
  beforeAll(async () => {
    studio = await startStudio({ workspace: ws, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  });
  afterAll(() => studio.close());

  it('listens on a free port and answers; a bad Host or Origin over the socket is refused', async () => {
    expect(studio.port).toBeGreaterThan(0);
    const health = await fetch(`${studio.url}/api/health`);
    expect(health.status).toBe(200);
    const badHost = await rawRequest(`${studio.url}/api/health`, { headers: { host: `rebind.example:${studio.port}` } });
    expect(badHost.status).toBe(403);
    expect(JSON.parse(badHost.body).error.code).toBe('forbidden_host');
    const badOrigin = await fetch(`${studio.url}/api/config/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ yaml: '{}' }),
    });
    expect(badOrigin.status).toBe(403);
  });

  it('with a token, refuses requests over the socket without it', async () => {
    const guarded = await startStudio({ workspace: ws, host: '127.0.0.1', port: 0, token: 'tok-123', log: pino({ level: 'silent' }) });
    try {
      expect((await fetch(`${guarded.url}/api/health`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/api/health?token=tok-123`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/api/health`, { headers: { authorization: 'Bearer tok-123' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('a port in use is a usage error naming --port', async () => {
    await expect(startStudio({ workspace: ws, host: '127.0.0.1', port: studio.port })).rejects.toThrow(/in use: choose another with --port/);
  });
});

describe('planalign studio', () => {
  // Its refusals, in-process (the restart test of runs.test.ts starts the real command).
  it('refuses another --host without a token, a bad port and a folder that is not a workspace, as usage errors', async () => {
    const refused = (options: Parameters<typeof studioCommand>[0]) => studioCommand(options).then(() => undefined, (error: unknown) => error);
    const open = await refused({ workspace: wsDir, host: '0.0.0.0', port: '0' });
    expect(open).toBeInstanceOf(UsageError);
    expect((open as Error).message).toContain('--host 0.0.0.0 lets other machines reach the Studio: give a --token');
    expect(String(await refused({ workspace: wsDir, host: '127.0.0.1', port: 'http' }))).toContain('--port must be a whole number');
    expect(String(await refused({ workspace: wsDir, host: '127.0.0.1', port: '70000' }))).toContain('--port must be 0-65535');
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const notWorkspace = await refused({ workspace: dir, host: '127.0.0.1', port: '0' });
    expect(notWorkspace).toBeInstanceOf(UsageError);
    expect((notWorkspace as Error).message).toContain('is not a PlanAlign workspace');
  });
});

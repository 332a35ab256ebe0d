import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { ExitCode } from '../../src/errors.js';
import { cleanEnv } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { batchFixture, captureOutput, onlyBatchDir, withoutConfigOverrides } from './helpers.js';

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = withoutConfigOverrides();
});
afterAll(() => restoreEnv());

/**
 * A stand-in for the compiled CLI: `simulate --config <batch>/<name>/simulation_config.yaml
 * --database <batch>/<name>.duckdb --json`, behaving as its scenario's name says.
 */
const FAKE_CLI = `
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
const args = process.argv.slice(2);
const config = args[args.indexOf('--config') + 1];
const database = args[args.indexOf('--database') + 1];
const name = basename(dirname(config));
const summary = (extra) => JSON.stringify({ runId: 'fake-' + name, years: [{ year: 2025, activeHeadcount: 1, validation: [] }], ...extra });
switch (name) {
  case 'garbage':
    process.stdout.write('this is not JSON\\n');
    break;
  case 'killed':
    process.kill(process.pid, 'SIGKILL');
    break;
  case 'invalid':
    process.stdout.write(JSON.stringify({ event: 'run_started' }) + '\\n');
    process.stdout.write(JSON.stringify({ event: 'summary', runId: 'fake', workforceProgression: [{ year: 2025 }],
      validation: [{ year: 2025, results: [{ rule: 'events_unique', severity: 'error', violations: 2 }, { rule: 'w', severity: 'warning', violations: 9 }] }] }) + '\\n');
    process.exitCode = 3;
    break;
  case 'invalid_unexplained':
    process.stdout.write(summary({}));
    process.exitCode = 3;
    break;
  case 'noisy':
    for (let i = 1; i <= 7; i++) process.stderr.write('progress line ' + i + '\\n');
    process.exitCode = 1;
    break;
  case 'long':
    process.stderr.write('Error: ' + 'x'.repeat(3000) + '\\n');
    process.exitCode = 1;
    break;
  case 'silent':
    process.exitCode = 4;
    break;
  case 'other_hash':
    // Completes, with a hash unlike the one validated for it, and blocks the workbook's file name.
    mkdirSync(join(dirname(database), 'comparison.xlsx'));
    process.stdout.write(summary({ configHash: 'not-the-validated-hash' }));
    break;
}
`;

describe('planalign batch: how a run can fail', () => {
  const tempDir = useTempDir();

  it('records each failure with its exit code or signal and the reason, and still writes the summary', async () => {
    const names = ['garbage', 'invalid', 'invalid_unexplained', 'killed', 'long', 'noisy', 'other_hash', 'silent'];
    const f = await batchFixture(tempDir(), Object.fromEntries(names.map((n) => [`${n}.yaml`, {}])));
    const cli = join(f.dir, 'fake-cli.mjs');
    writeFileSync(cli, FAKE_CLI);
    const { value, stdout, stderr } = await captureOutput(async () => {
      const result = await runBatch({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: 4, cli, env: {} });
      const { formatBatch } = await import('../../src/cli/commands/batch.js');
      process.stdout.write(formatBatch(result));
      return result;
    });
    expect(stderr).toBe('');
    const byName = Object.fromEntries(value.scenarios.map((s) => [s.name, s]));
    const batchDir = value.batchDir;

    expect(byName.garbage).toMatchObject({ status: 'failed', exitCode: 0 });
    expect(byName.garbage?.error).toBe(`exit code 0 but ${join(batchDir, 'garbage', 'stdout.json')} is unreadable: it holds no run summary with per-year figures`);
    expect(byName.killed).toMatchObject({ status: 'failed', exitCode: null, signal: 'SIGKILL', error: 'killed by SIGKILL' });
    expect(byName.invalid).toMatchObject({ status: 'failed', exitCode: 3, runId: 'fake', years: [{ year: 2025 }], error: 'exit code 3: validation failed: 2025 events_unique: 2 row(s)' });
    expect(byName.invalid_unexplained).toMatchObject({ exitCode: 3, error: 'exit code 3: validation failed' });
    expect(byName.noisy?.error).toBe('exit code 1: progress line 3\nprogress line 4\nprogress line 5\nprogress line 6\nprogress line 7');
    expect(byName.long?.error).toHaveLength('exit code 1: '.length + 2000);
    expect(byName.long?.error).toMatch(/^exit code 1: Error: x+\.\.\.$/);
    expect(byName.silent).toMatchObject({ status: 'failed', exitCode: 4, error: 'exit code 4' });
    expect(byName.other_hash).toMatchObject({ status: 'completed', exitCode: 0, runId: 'fake-other_hash', years: [{ year: 2025, activeHeadcount: 1 }] });

    expect(value.exitCode).toBe(ExitCode.RunFailure);
    expect(value.workbookPath).toBeUndefined();
    expect(value.warnings).toEqual([
      expect.stringMatching(/^scenario other_hash: the run reports config hash not-the-validated-hash, not the [0-9a-f]{64} validated for it$/),
      expect.stringMatching(/^comparison: cannot read the database of scenario other_hash: /),
      expect.stringMatching(/^comparison workbook not written: /),
    ]);
    const summary = JSON.parse(readFileSync(join(batchDir, 'batch_summary.json'), 'utf8'));
    expect(summary).toMatchObject({ exitCode: 1, completed: ['other_hash'], comparisonWorkbook: null });
    expect(summary.failed).toEqual(names.filter((n) => n !== 'other_hash'));
    expect(stdout).toContain('1 completed, 7 failed');
    expect(stdout).not.toContain('comparison  ');
    expect(stdout).toMatch(/^killed\s+failed\s+-\s/m);
    expect(stdout).toMatch(/^long\s+failed\s+1\s.*Error: x+\.\.\.$/m);
  });

  it('passes --census, --seed and --threads from the command to every run, and prints config warnings', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {} });
    process.env.PLANALIGN_SIMULATION____SEED = '1'; // malformed: a warning, not an override
    try {
      const { value, stderr } = await captureOutput(() =>
        batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, census: join(f.dir, 'nope.parquet'), seed: '3', threads: '1' }),
      );
      expect(value).toBe(ExitCode.RunFailure);
      expect(stderr).toMatch(/FAILED {4}a in [\d.]+s: exit code 2: Error: .*nope\.parquet/);
      expect(stderr).toContain('Warning: environment variable PLANALIGN_SIMULATION____SEED ignored');
    } finally {
      delete process.env.PLANALIGN_SIMULATION____SEED;
    }
    const summary = JSON.parse(readFileSync(join(onlyBatchDir(f.outputDir), 'batch_summary.json'), 'utf8'));
    expect(summary).toMatchObject({ seed: 3, threads: 1, census: join(f.dir, 'nope.parquet') });
    expect(summary.scenarios[0]).toMatchObject({ seed: 3, census: join(f.dir, 'nope.parquet') });
  });
});

describe('planalign batch: Ctrl-C', () => {
  const tempDir = useTempDir();

  it('forwards one SIGINT to the running scenario, which rolls back, and exits 130 with the summary written', async () => {
    const dist = resolve('dist');
    if (!existsSync(join(dist, 'cli', 'commands', 'batch.js'))) throw new Error('dist is missing: run "npm run build" first');
    const f = await batchFixture(tempDir(), { 'a.yaml': {}, 'b.yaml': {} });
    const script = `
      const { runCommand } = await import(${JSON.stringify(pathToFileURL(join(dist, 'cli', 'run-command.js')).href)});
      const { batchCommand } = await import(${JSON.stringify(pathToFileURL(join(dist, 'cli', 'commands', 'batch.js')).href)});
      await runCommand(() => batchCommand(JSON.parse(process.argv[1])));
    `;
    const options = { scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir };
    const batch = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(options)], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    batch.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    batch.stdout.resume();
    const exited = new Promise<number | null>((done) => batch.on('exit', (code) => done(code)));

    // Once scenario a is simulating, Ctrl-C the batch (a terminal would signal the batch's process group).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const dirs = existsSync(f.outputDir) ? readdirSync(f.outputDir) : [];
      const out = dirs[0] === undefined ? '' : join(f.outputDir, dirs[0], 'a', 'stdout.json');
      if (out !== '' && existsSync(out) && readFileSync(out, 'utf8').includes('"run_started"')) break;
      if (Date.now() > deadline) throw new Error(`scenario a never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    process.kill(batch.pid as number, 'SIGINT');
    expect(await exited).toBe(ExitCode.Interrupted);
    expect(stderr).toContain('SIGINT received: starting no more scenarios');

    const summary = JSON.parse(readFileSync(join(onlyBatchDir(f.outputDir), 'batch_summary.json'), 'utf8'));
    expect(summary).toMatchObject({ interrupted: true, exitCode: 130, completed: [], failed: ['a', 'b'] });
    expect(summary.scenarios[0]).toMatchObject({ name: 'a', exitCode: 130 });
    expect(summary.scenarios[0].error).toMatch(/rolled back/);
    expect(summary.scenarios[1]).toMatchObject({ name: 'b', pid: null, error: 'not started: the batch was interrupted' });
  });
});

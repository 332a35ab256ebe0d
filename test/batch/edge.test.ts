import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { batchCommand, progressLine } from '../../src/cli/commands/batch.js';
import { ExitCode } from '../../src/errors.js';
import { stringify } from 'yaml';
import { flatConfig } from '../plan-design/match-support.js';
import { cleanEnv } from '../support/cli.js';
import { FAILING_ACP_CENSUS } from '../support/failing-acp.js';
import { useTempDir } from '../support/tmp.js';
import { batchFixture, captureOutput, onlyBatchDir, withoutConfigOverrides } from './helpers.js';

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = withoutConfigOverrides();
});
afterAll(() => restoreEnv());

describe('planalign batch: how a run can fail', () => {
  const tempDir = useTempDir();

  it('retries a scenario whose worker died, and reports one whose database cannot be read after a rerun reused its job', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': { simulation: { end_year: 2025 } } });
    const base = { scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, env: {}, threads: 1 };
    // The first child is killed as soon as it simulates: the job runs again in a new child.
    const lines: string[] = [];
    let killed = false;
    const first = await runBatch({
      ...base,
      onEvent: (e) => {
        lines.push(progressLine(e));
        if (e.type === 'start' && !killed) {
          killed = true;
          process.kill(Number(e.worker.split(':')[1]), 'SIGKILL');
        }
      },
    });
    expect(first.exitCode).toBe(ExitCode.Success);
    expect(first.scenarios[0]).toMatchObject({ status: 'completed', attempts: 2, reused: false });
    expect(lines.join('')).toMatch(/\[1\/1\] retrying  a after attempt 1: its worker process \S+ died \(killed by SIGKILL\)/);
    expect(lines.join('')).toMatch(/\[1\/1\] started   a \(worker \S+, attempt 2\)/);

    // Its database damaged, its result kept: the rerun reuses the job, and says it cannot compare it.
    writeFileSync(first.scenarios[0]?.database as string, 'not a database');
    const second = await runBatch(base);
    expect(second.scenarios[0]).toMatchObject({ status: 'completed', reused: true, attempts: 0 });
    expect(second.warnings).toEqual([expect.stringMatching(/^comparison: cannot read the database of scenario a: /)]);
    expect(second.comparison).toBeNull();
    expect(second.exitCode).toBe(ExitCode.Success);
  });

  it('with --fail-on-compliance, fails a scenario whose compliance test failed, naming the tests and years', async () => {
    // The plan of test/compliance/reports.test.ts, built to fail ADP and ACP in 2025 and 2026.
    const dir = tempDir();
    const census = join(dir, 'census.csv');
    writeFileSync(census, FAILING_ACP_CENSUS);
    const baseConfig = join(dir, 'base.yaml');
    writeFileSync(baseConfig, stringify(flatConfig((c) => void (c.setup.census_parquet_path = census))));
    mkdirSync(join(dir, 'scenarios'));
    writeFileSync(join(dir, 'scenarios', 'plan.yaml'), '{}\n');
    const base = { scenariosDir: join(dir, 'scenarios'), config: baseConfig, outputDir: join(dir, 'out'), env: {}, threads: 1 };
    const strict = await runBatch({ ...base, failOnCompliance: true });
    expect(strict.exitCode).toBe(ExitCode.RunFailure);
    expect(strict.scenarios[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'compliance failed (--fail-on-compliance): 2025 adp failed; 2025 acp failed; 2026 adp failed; 2026 acp failed',
    });
    // Without it the same job (reused, not rerun) completes: a failing test is a finding, not a failure.
    const lenient = await runBatch(base);
    expect(lenient.scenarios[0]).toMatchObject({ status: 'completed', reused: true, attempts: 0 });
    expect(lenient.scenarios[0]?.years?.map((y) => [y.year, y.compliance.acp])).toEqual([[2025, false], [2026, false]]);
  });

  it('passes --census, --seed and --threads from the command to every run, and prints config warnings', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {} });
    process.env.PLANALIGN_SIMULATION____SEED = '1'; // malformed: a warning, not an override
    try {
      const { value, stderr } = await captureOutput(() =>
        batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, census: join(f.dir, 'nope.parquet'), seed: '3', threads: '1' }),
      );
      expect(value).toBe(ExitCode.RunFailure);
      expect(stderr).toMatch(/FAILED {4}a: its inputs cannot be prepared: Census file .*nope\.parquet not found/);
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

  it('cancels the running scenario, which rolls back, and exits 130 with the summary written', async () => {
    const dist = resolve('dist');
    if (!existsSync(join(dist, 'cli', 'commands', 'batch.js'))) throw new Error('dist is missing: run "npm run build" first');
    const f = await batchFixture(tempDir(), { 'a.yaml': {}, 'b.yaml': { simulation: { target_growth_rate: 0.01 } } });
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
    const jobs = join(f.outputDir, 'jobs');
    for (;;) {
      const logs = existsSync(jobs) ? readdirSync(jobs).map((id) => join(jobs, id, 'job.log')) : [];
      if (logs.some((log) => existsSync(log) && readFileSync(log, 'utf8').includes('"run started"'))) break;
      if (Date.now() > deadline) throw new Error(`scenario a never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    process.kill(batch.pid as number, 'SIGINT');
    expect(await exited).toBe(ExitCode.Interrupted);
    expect(stderr).toContain('SIGINT received: starting no more scenarios');

    const summary = JSON.parse(readFileSync(join(onlyBatchDir(f.outputDir), 'batch_summary.json'), 'utf8'));
    expect(summary).toMatchObject({ interrupted: true, exitCode: 130, completed: [], failed: ['a', 'b'] });
    expect(summary.scenarios[0]).toMatchObject({ name: 'a', attempts: 1, error: 'interrupted: Interrupted; the year in progress was rolled back' });
    expect(summary.scenarios[1]).toMatchObject({ name: 'b', attempts: 0, error: 'not started: the batch was interrupted' });
  });
});

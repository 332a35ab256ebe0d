import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId } from '../../src/executor/job.js';
import { ENGINE_VERSION } from '../../src/version.js';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { makeCensus, writeConfigFile } from '../support/engine.js';

/** planalign ensemble on the command line: the --json stream, the exit codes, simulate's alias. */
const dir = mkdtempSync(join(tmpdir(), 'planalign-ensemble-cli-'));
const out = join(dir, 'ens');
let config: string;
let census: string;
const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

beforeAll(async () => {
  census = await makeCensus(dir, 300);
  config = writeConfigFile(dir, census);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planalign ensemble on the command line', () => {
  it('streams NDJSON job events ending with a summary, exit 0; simulate --seeds is the same ensemble, reused', () => {
    const run = runCli(['ensemble', '2025-2026', '-c', config, '--seeds', '2', '--parallel', '2', '--output-dir', out, '--threshold', 'active_headcount>250', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const events = lines(run.stdout);
    expect(events.filter((e) => e.event === 'job_started')).toHaveLength(2);
    expect(events.filter((e) => e.event === 'job_finished').map((e) => [e.seed, e.reused]).sort()).toEqual([[1043, false], [42, false]]);
    // One progress event per job and year.
    expect(events.filter((e) => e.event === 'job_progress' && e.seed === 42).map((e) => e.year)).toEqual([2025, 2026]);
    const summary = events[events.length - 1]!;
    expect(summary).toMatchObject({ event: 'summary', executor: 'local', jobs: 2, completed: 2, reused: 0, failed: 0, interrupted: false, exit_code: 0 });
    expect(summary.files).toEqual({
      database: join(out, 'ensemble.duckdb'), json: join(out, 'ensemble.json'), workbook: join(out, 'ensemble.xlsx'), charts: join(out, 'charts'),
    });
    expect(existsSync(join(out, 'charts', 'total_employer_plan_cost.png')) && existsSync(join(out, 'charts', 'total_employer_plan_cost.svg'))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    expect(report.threshold_shares.map((t: any) => [t.simulation_year, t.share])).toEqual([[2025, 1], [2026, 1]]);

    const alias = runCli(['simulate', '2025-2026', '-c', config, '--seeds', '2', '--output-dir', out, '--threshold', 'active_headcount>250']);
    expect(alias.status, alias.stderr).toBe(0);
    expect(alias.stdout).toMatch(/Scenario default, 2026, over 2 seeds:\n {2}Metric +P5 +P50 +P95/);
    expect(alias.stdout).toContain('2 of 2 job(s) done (2 reused), 0 failed');
    expect(alias.stderr).toContain('[2/2] done default seed');
  });

  it('exits 1 when a job fails, writing the outputs of the others and naming the failure', () => {
    // A job whose inputs folder does not exist: its worker refuses it.
    const request = JSON.parse(readFileSync(join(out, 'ensemble_request.json'), 'utf8'));
    const missing = '0'.repeat(64);
    request.jobs.push({ id: jobId(ENGINE_VERSION, missing, 7), scenario: 'default', seed: 7, inputs: missing, engineVersion: ENGINE_VERSION });
    writeFileSync(join(out, 'ensemble_request.json'), JSON.stringify(request));
    const run = runCli(['ensemble', '--resume', '--output-dir', out, '--json', '--attempts', '1']);
    expect(run.status, run.stderr).toBe(1);
    const summary = lines(run.stdout).pop()!;
    expect(summary).toMatchObject({ completed: 2, reused: 2, failed: 1, exit_code: 1 });
    expect(summary.failures[0]).toMatchObject({ seed: 7 });
    expect(summary.failures[0].error).toMatch(/inputs .* are missing/);
    const report = JSON.parse(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    expect(report.bands.every((b: any) => b.seeds === 2)).toBe(true);
    expect(report.jobs.map((j: any) => j.status)).toEqual(['completed', 'completed', 'failed']);
  });

  it('refuses bad usage with exit 2, before running anything', () => {
    const base = ['ensemble', '2025-2026', '-c', config, '--output-dir', join(dir, 'other')];
    const unknown = runCli([...base, '--seeds', '2', '--threshold', 'employer_cost>5']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown metric "employer_cost"; known metrics: active_headcount, total_compensation/);
    expect(runCli(base).stderr).toMatch(/--seeds N or --seed-list/);
    const another = runCli(['ensemble', '2025-2026', '-c', config, '--output-dir', out, '--seeds', '3']);
    expect(another.status).toBe(2);
    expect(another.stderr).toMatch(/holds another ensemble/);
    const resume = runCli(['ensemble', '--resume', '--seeds', '3', '--output-dir', out]);
    expect(resume.status).toBe(2);
    expect(resume.stderr).toContain('--resume runs the ensemble recorded in');
    expect(runCli(['simulate', '--seeds', '2', '--dry-run', '-c', config]).stderr).toContain('--dry-run cannot be combined with --seeds or --seed-list');
  });

  it('exits 130 on Ctrl-C, cancelling the queued jobs and keeping what finished', async () => {
    const child = spawn(process.execPath, [CLI, 'ensemble', '2025-2026', '-c', config, '--seeds', '4', '--parallel', '1', '--output-dir', join(dir, 'stopped'), '--json'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Interrupted once the second job is under way.
      if ((stdout.match(/"event":"job_started"/g) ?? []).length === 2 && !child.killed) child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    expect(status).toBe(130);
    const summary = lines(stdout).pop()!;
    expect(summary).toMatchObject({ event: 'summary', interrupted: true, jobs: 4, exit_code: 130 });
    expect(summary.completed).toBeGreaterThanOrEqual(1);
    expect(summary.cancelled).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

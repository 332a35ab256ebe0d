/**
 * `npm run bench`: runs the CLI as a child process (default config, every stage on) over synthetic
 * censuses, repeats each run, and writes the medians of wall time and peak resident memory as JSON.
 *
 *   node dist/bench/run.js [--sizes 10000,100000] [--years 2025-2029] [--repeats 3] [--out bench/results/latest.json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../paths.js';
import { ENGINE_VERSION } from '../version.js';

interface Sample {
  wallSeconds: number;
  peakRssMiB: number;
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    years: { type: 'string', default: '2025-2029' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: join('bench', 'results', 'latest.json') },
  },
});

const cli = join(packageRoot, 'dist', 'cli', 'main.js');
const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
const repeats = Number(values.repeats);
const work = mkdtempSync(join(tmpdir(), 'planalign-bench-'));

function run(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, cwd: packageRoot });
  if (result.status !== 0) throw new Error(`planalign ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

try {
  const cases = [];
  for (const employees of sizes) {
    const census = join(work, `census_${employees}.parquet`);
    run(['census', 'generate', '--employees', String(employees), '--seed', '42', '--out', census]);
    const samples: Sample[] = [];
    for (let i = 0; i < repeats; i += 1) {
      const database = join(work, `bench_${employees}_${i}.duckdb`);
      const report = join(work, `usage_${employees}_${i}.json`);
      const started = process.hrtime.bigint();
      run(['simulate', values.years, '--census', census, '--database', database], {
        ...process.env,
        PLANALIGN_RESOURCE_REPORT: report,
      });
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = JSON.parse(readFileSync(report, 'utf8')) as { maxRssKiB: number };
      samples.push({ wallSeconds, peakRssMiB: usage.maxRssKiB / 1024 });
      rmSync(database, { force: true });
      process.stderr.write(`  ${employees} employees, run ${i + 1}/${repeats}: ${wallSeconds.toFixed(2)} s, ${(usage.maxRssKiB / 1024).toFixed(0)} MiB\n`);
    }
    cases.push({
      name: `simulate_${employees}x${values.years}`,
      employees,
      years: values.years,
      repeats,
      medianWallSeconds: Number(median(samples.map((s) => s.wallSeconds)).toFixed(3)),
      medianPeakRssMiB: Number(median(samples.map((s) => s.peakRssMiB)).toFixed(1)),
      samples,
    });
  }
  const output = {
    engineVersion: ENGINE_VERSION,
    node: process.version,
    cpus: cpus().length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    measuredAt: new Date().toISOString(),
    cases,
  };
  const out = resolve(values.out);
  if (!existsSync(dirname(out))) mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(output, null, 2)}\nWritten to ${out}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * The output digest of a simulation database (src/bench/output-digest.ts), or the check that two
 * databases hold the same outputs (docs/PERFORMANCE.md, "Output identity"):
 *
 *   node dist/bench/digest.js --database A.duckdb [--out digest.json]       writes the digest (stdout without --out)
 *   node dist/bench/digest.js --database B.duckdb --compare A.duckdb|A.json   A is the expected side
 *
 * Exit codes: 0 written / identical, 1 the outputs differ (each differing table.column named), 2 usage error or failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareDigests, digestDatabaseFile, formatDigest, type OutputDigest } from './output-digest.js';

const USAGE = 'usage: node dist/bench/digest.js --database FILE [--out FILE] [--compare OTHER.duckdb|DIGEST.json]';

class UsageError extends Error {}

async function expectedDigest(path: string): Promise<OutputDigest> {
  return path.endsWith('.json') ? (JSON.parse(readFileSync(path, 'utf8')) as OutputDigest) : digestDatabaseFile(path);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { database: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.database === undefined) throw new UsageError('--database is required');
  const started = performance.now();
  const digest = await digestDatabaseFile(values.database);
  const json = formatDigest(digest);
  if (values.out !== undefined) writeFileSync(values.out, json);
  else if (values.compare === undefined) process.stdout.write(json);
  if (values.compare === undefined) return 0;

  const differences = compareDigests(await expectedDigest(values.compare), digest);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (differences.length === 0) {
    const tables = Object.values(digest.tables);
    const columns = tables.reduce((n, t) => n + Object.keys(t.columns).length, 0);
    process.stdout.write(`Identical: ${tables.length} tables and views, ${columns} columns (${values.compare} vs ${values.database}, ${seconds} s)\n`);
    return 0;
  }
  process.stdout.write(
    `Outputs differ (${values.compare} expected, ${values.database} actual), ${differences.length} difference(s):\n` +
      differences.map((d) => `  ${d}\n`).join(''),
  );
  return 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  const usage = error instanceof UsageError;
  process.stderr.write(`${usage ? 'Usage error' : 'Digest failed'}: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exitCode = 2;
}

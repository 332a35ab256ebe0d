import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli/main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without PlanAlign/reference overrides, so the host cannot change a test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PLANALIGN_') && !key.startsWith('NAV_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs the compiled `planalign` CLI (built by `npm test` before vitest starts). */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    encoding: 'utf8',
    env: cleanEnv(options.env),
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a process that holds `database` open for writing until killed; resolves once it holds it. */
export async function holdDatabase(database: string): Promise<{ pid: number; release: () => void }> {
  const script = `
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(process.argv[1]);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE IF NOT EXISTS holder (x INTEGER)');
    process.stdout.write('held\\n');
    // Referenced from the timer so the garbage collector never closes the instance (and its lock).
    setInterval(() => void [instance, connection], 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, database], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) done();
    });
    child.on('exit', (code) => fail(new Error(`holder exited with ${code}`)));
  });
  return { pid: child.pid!, release: () => child.kill('SIGKILL') };
}

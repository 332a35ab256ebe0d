/**
 * `planalign worker` child processes of the compiled CLI, for the queue benchmark and the queue tests:
 * started, awaited until connected, stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A `planalign worker` child, its stdout and stderr kept (one line per job it starts and finishes). */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** One job at a time (`--concurrency 1`), with `threads` DuckDB threads. */
export function startWorker(cli: string, url: string, outputDir: string, options: { threads: number; env: NodeJS.ProcessEnv }): WorkerProcess {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
  const args = [cli, 'worker', '--queue', url, '--output-dir', outputDir, '--concurrency', '1', '--threads', String(options.threads)];
  const child = spawn(process.execPath, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Resolves once the worker is connected (its `worker on` line); a worker that dies first fails, with its output. */
export async function workerReady(worker: WorkerProcess): Promise<void> {
  for (;;) {
    if (/^worker on /m.test(worker.output())) return;
    if (worker.child.exitCode !== null) throw new Error(`planalign worker exited with ${worker.child.exitCode}:\n${worker.output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** SIGTERM (running jobs roll back and go back to the queue), then waits for the exit. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  await worker.exited;
}

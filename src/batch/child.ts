import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface ChildSpec {
  /** Arguments after the node executable: the CLI script and its arguments. */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutPath: string;
  stderrPath: string;
  /** Aborting sends the child one SIGINT (it rolls back the year in progress and exits 130). */
  signal?: AbortSignal | undefined;
  onSpawn?: (pid: number | undefined) => void;
}

export interface ChildOutcome {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: Date;
  finishedAt: Date;
  seconds: number;
  /** The process could not be started at all. */
  spawnError?: string;
}

/**
 * Runs one child process of this Node executable with stdout and stderr written straight to files.
 * The child gets its own process group, so that a Ctrl-C at the terminal reaches the batch only, and
 * the batch forwards exactly one SIGINT (a second one would kill the child in the middle of its
 * rollback).
 */
export function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  const out = openSync(spec.stdoutPath, 'w');
  const err = openSync(spec.stderrPath, 'w');
  const startedAt = new Date();
  const t0 = process.hrtime.bigint();
  const seconds = () => Number((process.hrtime.bigint() - t0) / 1_000_000n) / 1000;
  return new Promise<ChildOutcome>((done) => {
    let settled = false;
    const finish = (outcome: Omit<ChildOutcome, 'startedAt' | 'finishedAt' | 'seconds'>) => {
      if (settled) return;
      settled = true;
      spec.signal?.removeEventListener('abort', interrupt);
      closeSync(out);
      closeSync(err);
      done({ ...outcome, startedAt, finishedAt: new Date(), seconds: seconds() });
    };
    const child = spawn(process.execPath, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', out, err],
      detached: true,
    });
    const interrupt = () => {
      child.kill('SIGINT');
    };
    spec.onSpawn?.(child.pid);
    child.once('error', (error) => finish({ pid: child.pid, exitCode: null, signal: null, spawnError: error.message }));
    child.once('exit', (exitCode, signal) => finish({ pid: child.pid, exitCode, signal }));
    if (spec.signal?.aborted) interrupt();
    else spec.signal?.addEventListener('abort', interrupt, { once: true });
  });
}

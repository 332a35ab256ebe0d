/**
 * A warm child of the local pool (forked by local.ts with an IPC channel): runs the jobs it is sent,
 * one after another, in this one process, so the engine is loaded once for all of them.
 *
 * Messages in: `run` (a job) and `cancel` (interrupt the running job; SIGINT does the same). Out:
 * `progress`, then `done` or `failed`. The child exits when its parent goes away (the IPC channel
 * closes), whatever it was doing: a partial database is removed by the job's next attempt.
 */
import { InterruptedError, PlanAlignError, ExitCode } from '../errors.js';
import { executeJob, JobRefusedError } from './execute.js';
import type { ChildReply, ChildRequest } from './local.js';

const send = (reply: ChildReply): void => {
  process.send?.(reply);
};

/** Errors that running the job again cannot cure: bad inputs, validation findings, a refused job. */
function retryable(error: unknown): boolean {
  if (error instanceof JobRefusedError) return false;
  return !(error instanceof PlanAlignError) || error.exitCode === ExitCode.RunFailure;
}

let running: AbortController | undefined;

process.on('message', (message: ChildRequest) => {
  if (message.type === 'cancel') {
    running?.abort();
    return;
  }
  const controller = new AbortController();
  running = controller;
  executeJob(message.outputDir, message.job, {
    threads: message.threads,
    memoryLimit: message.memoryLimit,
    signal: controller.signal,
    onProgress: (year, stage) => send({ type: 'progress', year, ...(stage === undefined ? {} : { stage }) }),
  }).then(
    ({ result, reused }) => send({ type: 'done', result, reused }),
    (error: unknown) => {
      const cancelled = error instanceof InterruptedError;
      // With its hint, as the command line prints it: what to do about it.
      const text = error instanceof PlanAlignError && error.hint !== undefined ? `${error.message}\n${error.hint}` : error instanceof Error ? error.message : String(error);
      send({ type: 'failed', error: text, retry: !cancelled && retryable(error), cancelled });
    },
  ).finally(() => {
    if (running === controller) running = undefined;
  });
});
process.on('SIGINT', () => running?.abort());
process.on('disconnect', () => process.exit(running === undefined ? 0 : 1));
send({ type: 'ready' });

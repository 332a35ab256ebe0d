import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { redact } from '../../executor/redis.js';
import { runWorker } from '../../executor/worker.js';
import type { ExecutorEvent } from '../../executor/types.js';
import { parseInteger } from '../options.js';

export interface WorkerCommandOptions {
  queue: string;
  outputDir: string;
  concurrency?: string;
  threads?: string;
  memoryLimit?: string;
}

/**
 * `planalign worker`: one line per job on stdout (started, then finished with its seconds, or failed);
 * SIGINT/SIGTERM stop it: running jobs roll back their year in progress and go back to the queue.
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const concurrency = parseInteger(options.concurrency ?? '1', '--concurrency');
  if (concurrency < 1) throw new UsageError(`--concurrency must be at least 1, got ${concurrency}`);
  const threads = options.threads === undefined ? undefined : parseInteger(options.threads, '--threads');
  if (threads !== undefined && threads < 1) throw new UsageError(`--threads must be at least 1, got ${threads}`);
  const outputDir = resolve(options.outputDir);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    process.stderr.write(`${signal} received: running jobs roll back their year in progress and go back to the queue...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastWarning: string | undefined;
  try {
    await runWorker({
      url: options.queue,
      concurrency,
      outputDir,
      threads,
      memoryLimit: options.memoryLimit,
      signal: controller.signal,
      onReady: () => process.stdout.write(`worker on ${redact(options.queue)}, ${concurrency} at once, output folder ${outputDir}\n`),
      onEvent: (event) => {
        const line = eventLine(event);
        if (line) process.stdout.write(line);
      },
      // Once per kind: a lost Redis repeats its error at every reconnection.
      onWarning: (message) => {
        if (message !== lastWarning) process.stderr.write(`Warning: ${message}\n`);
        lastWarning = message;
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.stdout.write('worker stopped\n');
  return 0;
}

function eventLine(event: ExecutorEvent): string | undefined {
  const job = `${event.job.id} ${event.job.scenario} seed ${event.job.seed}`;
  switch (event.type) {
    case 'started':
      return `started  ${job} (attempt ${event.attempt})\n`;
    case 'finished':
      return `finished ${job} ${event.reused ? 'reused' : `${event.result.seconds.toFixed(1)} s`}\n`;
    case 'failed':
      return `failed   ${job}${event.willRetry ? ' (will retry)' : ''}: ${event.error}\n`;
    case 'progress':
      return undefined;
  }
}

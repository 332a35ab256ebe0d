import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_DATABASE, jobDir } from '../executor/job.js';
import type { JobOutcome, RunExecutor, RunOptions } from '../executor/types.js';
import type { EnsembleTables } from './aggregate.js';
import { writeEnsembleOutputs, type EnsembleFiles } from './outputs.js';
import type { EnsembleRequest } from './request.js';

export interface EnsembleRun {
  outcomes: JobOutcome[];
  tables: EnsembleTables;
  files: EnsembleFiles;
  interrupted: boolean;
  /** 0 every job done, 1 some failed, 130 interrupted. */
  exitCode: 0 | 1 | 130;
}

/**
 * Runs (or finds done) the request's jobs on the executor, then writes the outputs from those that
 * finished, whatever happened to the others: failed and interrupted ensembles keep what they have.
 */
export async function runEnsemble(
  outputDir: string,
  request: EnsembleRequest,
  executor: RunExecutor,
  options: Pick<RunOptions, 'signal' | 'onEvent' | 'attempts'> & {
    /** Delete each job's database once its result is written: the ensemble reads only the result files. */
    discardDatabases?: boolean;
  },
): Promise<EnsembleRun> {
  const { discardDatabases, ...runOptions } = options;
  const outcomes = await executor.run(outputDir, request.jobs, {
    ...runOptions,
    onEvent: (event) => {
      // The result file is written after the job's database is closed, whichever back-end ran it.
      if (discardDatabases === true && event.type === 'finished') {
        const database = join(jobDir(outputDir, event.job.id), JOB_DATABASE);
        for (const file of [database, `${database}.wal`]) rmSync(file, { force: true });
      }
      options.onEvent?.(event);
    },
  });
  const { tables, files } = await writeEnsembleOutputs(outputDir, request, outcomes);
  const interrupted = options.signal?.aborted === true;
  const exitCode = interrupted ? 130 : outcomes.every((o) => o.status === 'completed') ? 0 : 1;
  return { outcomes, tables, files, interrupted, exitCode };
}

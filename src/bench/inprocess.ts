/**
 * In-process measurement, run by the harness as its own child process (so that its DuckDB memory
 * never mixes with the harness's):
 *
 *   node dist/bench/inprocess.js --config C --census F --database D --start 2025 --end 2029 --out R.json
 *
 * One simulation is built with OrchestratorBuilder exactly as the CLI builds it (default config,
 * validation, audit and checkpoints on). Like a profiler, this script wraps engine methods on their
 * prototypes and times every call: `ModelRunner.runModel` (time per model and year), and the other
 * parts of a year (validation rules, their results, the checkpoint, the year audit, the commit). The
 * engine itself is not changed. After the run, the finished database is reopened and
 * `CheckpointManager.measure(year)` is timed for every year (median of a few calls): the cost of
 * checkpointing as a share of the year's time.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Database } from '../db/database.js';
import { OrchestratorBuilder } from '../factory.js';
import { MODELS, type ModelDefinition } from '../models/registry.js';
import { ModelRunner } from '../models/runner.js';
import { CheckpointManager } from '../orchestrator/checkpoints.js';
import { PipelineOrchestrator } from '../orchestrator/orchestrator.js';
import type { ProgressEvent } from '../orchestrator/progress.js';
import { MultiYearReporter } from '../reporting/multi-year-reporter.js';
import { YearAuditor } from '../reporting/year-auditor.js';
import { DataValidator } from '../validation/data-validator.js';
import { median, round, sum } from './stats.js';
import type { InProcessResult, ModelTiming } from './types.js';

/** What the in-process child writes: the result without the labels the harness adds. */
export type InProcessRaw = Omit<InProcessResult, 'name' | 'note' | 'employees' | 'years'>;

const now = (): number => performance.now() / 1000;

type AnyMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

/** Replaces `proto[method]` by a timing wrapper; `label` names the bucket of a call (undefined: not timed). */
function wrap(proto: object, method: string, label: (args: unknown[]) => string | undefined, record: (label: string, seconds: number, args: unknown[]) => void): () => void {
  const target = proto as Record<string, AnyMethod>;
  const original = target[method];
  if (typeof original !== 'function') throw new Error(`cannot wrap ${method}: not a method`);
  target[method] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const name = label(args);
    if (name === undefined) return original.apply(this, args);
    const t0 = now();
    try {
      return await original.apply(this, args);
    } finally {
      record(name, now() - t0, args);
    }
  };
  return () => {
    target[method] = original;
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      census: { type: 'string' },
      database: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      out: { type: 'string' },
      'measure-repeats': { type: 'string', default: '3' },
    },
  });
  const { config, census, database, out } = values;
  if (config === undefined || census === undefined || database === undefined || out === undefined || values.start === undefined || values.end === undefined) {
    throw new Error('usage: inprocess.js --config C --census F --database D --start Y --end Y --out R.json');
  }
  const startYear = Number(values.start);
  const endYear = Number(values.end);
  const measureRepeats = Number(values['measure-repeats']);

  // The year being built (between year_started and year_completed), else undefined: run setup and end.
  let currentYear: number | undefined;
  const inYears: Record<string, number> = {};
  const outsideYears: Record<string, number> = {};
  const modelSeconds = new Map<string, Map<number, number>>();
  const writeSeconds = new Map<number, number>();
  const record = (label: string, seconds: number): void => {
    const bucket = currentYear === undefined ? outsideYears : inYears;
    bucket[label] = (bucket[label] ?? 0) + seconds;
  };
  const restore = [
    wrap(ModelRunner.prototype, 'runModel', () => 'models (ModelRunner.runModel)', (label, seconds, args) => {
      record(label, seconds);
      const [model, year] = args as [ModelDefinition, number];
      const perYear = modelSeconds.get(model.name) ?? new Map<number, number>();
      perYear.set(year, (perYear.get(year) ?? 0) + seconds);
      modelSeconds.set(model.name, perYear);
    }),
    wrap(ModelRunner.prototype, 'setYear', () => 'year variables (ModelRunner.setYear)', record),
    wrap(DataValidator.prototype, 'validate', () => 'validation rules (DataValidator.validate)', record),
    wrap(PipelineOrchestrator.prototype, 'recordValidation', () => 'validation results written (recordValidation)', record),
    wrap(CheckpointManager.prototype, 'write', () => 'checkpoint (CheckpointManager.write)', (label, seconds, args) => {
      record(label, seconds);
      const year = args[0] as number;
      writeSeconds.set(year, (writeSeconds.get(year) ?? 0) + seconds);
    }),
    wrap(YearAuditor.prototype, 'audit', () => 'year audit (YearAuditor.audit)', record),
    wrap(MultiYearReporter.prototype, 'summarize', () => 'run summary (MultiYearReporter.summarize)', record),
    wrap(Database.prototype, 'run', (args) => (args[0] === 'COMMIT' ? 'commit' : undefined), record),
  ];

  const years = new Map<number, number>();
  const stages: Record<string, number> = {};
  const progress = {
    emit(event: ProgressEvent): void {
      if (event.kind === 'year_started') currentYear = event.year;
      if (event.kind === 'year_completed') {
        years.set(event.year, event.seconds);
        currentYear = undefined;
      }
      if (event.kind === 'stage_completed') stages[event.stage] = (stages[event.stage] ?? 0) + event.seconds;
    },
  };
  const orchestrator = await new OrchestratorBuilder()
    .withConfig(config)
    .withCensus(census)
    .withDatabase(database)
    .withYears(startYear, endYear)
    .withProgress(progress)
    .build();
  const t0 = now();
  try {
    await orchestrator.executeMultiYearSimulation();
  } finally {
    orchestrator.close();
  }
  const runSeconds = now() - t0;
  for (const undo of restore) undo();

  // The finished database, reopened: measure(year) as a checkpoint computes it.
  const db = await Database.open(database);
  const measured = new Map<number, number[]>();
  try {
    const checkpoints = new CheckpointManager(db);
    for (let year = startYear; year <= endYear; year += 1) {
      const samples: number[] = [];
      for (let i = 0; i < measureRepeats; i += 1) {
        const s = now();
        await checkpoints.measure(year);
        samples.push(now() - s);
      }
      measured.set(year, samples);
    }
  } finally {
    db.close();
  }

  const yearList = Array.from({ length: endYear - startYear + 1 }, (_, i) => startYear + i);
  const yearSeconds = yearList.map((y) => years.get(y) ?? 0);
  const totalYears = sum(yearSeconds);
  const models: ModelTiming[] = [...modelSeconds.entries()]
    .map(([name, perYear]) => {
      const definition = MODELS.find((m) => m.name === name);
      const seconds = sum([...perYear.values()]);
      return {
        model: name,
        stage: definition?.stage ?? '?',
        layer: definition?.layer ?? '?',
        seconds: round(seconds),
        pctOfYears: round((seconds / totalYears) * 100, 1),
        perYear: yearList.map((y) => round(perYear.get(y) ?? 0)),
      };
    })
    .sort((a, b) => b.seconds - a.seconds);
  const modelTotal = sum([...modelSeconds.values()].flatMap((m) => [...m.values()]));
  const yearBreakdown: Record<string, number> = Object.fromEntries(
    Object.entries(inYears)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, round(v)]),
  );
  yearBreakdown['other (hooks, progress, stage bookkeeping, BEGIN)'] = round(Math.max(0, totalYears - sum(Object.values(inYears))));
  const outside: Record<string, number> = Object.fromEntries(Object.entries(outsideYears).map(([k, v]) => [k, round(v)]));
  outside['other (census load, parameters, run record, ...)'] = round(Math.max(0, runSeconds - totalYears - sum(Object.values(outsideYears))));

  const perYear = yearList.map((year, i) => {
    const samples = measured.get(year) ?? [];
    const measureSeconds = median(samples);
    const ys = yearSeconds[i] ?? 0;
    return {
      year,
      measureSeconds: round(measureSeconds, 4),
      measureSamples: samples.map((s) => round(s, 4)),
      yearSeconds: round(ys),
      pct: round((measureSeconds / ys) * 100, 2),
      inRunWriteSeconds: round(writeSeconds.get(year) ?? 0, 4),
    };
  });
  const result: InProcessRaw = {
    runSeconds: round(runSeconds),
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    startYear,
    endYear,
    yearSeconds: yearSeconds.map((s) => round(s)),
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
    models,
    outsideModelsSeconds: round(totalYears - modelTotal),
    yearBreakdown,
    outsideYears: outside,
    checkpoint: {
      pct: round((sum(yearList.map((y) => median(measured.get(y) ?? [0]))) / totalYears) * 100, 2),
      maxYearPct: Math.max(...perYear.map((p) => p.pct)),
      method: `CheckpointManager.measure(year) on the finished database (reopened), median of ${measureRepeats} calls per year, over the year's seconds of this run`,
      perYear,
      inRunPct: round((sum([...writeSeconds.values()]) / totalYears) * 100, 2),
    },
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
}

await main();

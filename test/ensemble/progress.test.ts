import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EnsembleProgress } from '../../src/ensemble/progress.js';
import type { JobSpec } from '../../src/executor/types.js';
import { jobResult } from './helpers.js';

const job = (seed: number): JobSpec => ({ id: `job${seed}`, scenario: 'default', seed, inputs: 'f'.repeat(64), engineVersion: '0.0.0' });

function capture(mode: 'bar' | 'lines' | 'json', drive: (p: EnsembleProgress) => void): string {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const progress = new EnsembleProgress(3, mode, stream);
  drive(progress);
  progress.finish();
  return text;
}

/** Seed 1 reused, seed 2 run, seed 3 failing twice (retried once). */
function events(p: EnsembleProgress): void {
  p.onEvent({ type: 'finished', job: job(1), result: jobResult('default', 1, [2025]), reused: true });
  p.onEvent({ type: 'started', job: job(2), worker: 'host:1', attempt: 1 });
  p.onEvent({ type: 'progress', job: job(2), year: 2025, stage: 'FOUNDATION' });
  p.onEvent({ type: 'progress', job: job(2), year: 2025, stage: 'EVENTS' });
  p.onEvent({ type: 'started', job: job(3), worker: 'host:2', attempt: 1 });
  p.onEvent({ type: 'finished', job: job(2), result: jobResult('default', 2, [2025]), reused: false });
  p.onEvent({ type: 'failed', job: job(3), error: 'boom\nstack', attempt: 1, willRetry: true });
  p.onEvent({ type: 'failed', job: job(3), error: 'boom', attempt: 2, willRetry: false });
}

describe('ensemble progress', () => {
  it('on a terminal: one line rewritten in place, with done, running, failed and an ETA', () => {
    const text = capture('bar', events);
    const frames = text.split('\r\x1b[K').filter((f) => f !== '');
    expect(frames[0]).toBe('[########................] 1/3 done, 0 running, 0 failed');
    expect(frames).toContain('[########................] 1/3 done, 2 running, 0 failed');
    expect(frames.some((f) => /^\[################\.{8}\] 2\/3 done, 1 running, 0 failed, ETA \d+s$/.test(f))).toBe(true);
    expect(frames[frames.length - 1]).toBe('[########################] 2/3 done, 0 running, 1 failed\n');
  });

  it('elsewhere a line per finished or failed job; with --json an event per job and year', () => {
    expect(capture('lines', events).split('\n')).toEqual([
      '[1/3] done default seed 1 (reused)',
      '[2/3] done default seed 2 in 1.0s',
      '[2/3] retrying default seed 3 (attempt 1): boom',
      '[3/3] FAILED default seed 3 (attempt 2): boom',
      '',
    ]);
    const json = capture('json', events).trim().split('\n').map((l) => JSON.parse(l));
    expect(json.map((e) => e.event)).toEqual(['job_finished', 'job_started', 'job_progress', 'job_started', 'job_finished', 'job_failed', 'job_failed']);
    expect(json[2]).toEqual({ event: 'job_progress', id: 'job2', scenario: 'default', seed: 2, year: 2025 });
    expect(json[6]).toMatchObject({ event: 'job_failed', seed: 3, attempt: 2, will_retry: false, error: 'boom' });
  });
});

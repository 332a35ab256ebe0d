import { describe, expect, it } from 'vitest';
import { caseResult } from '../../src/bench/harness.js';
import { cleanEnvironment, parseProgress, treeRssKiB } from '../../src/bench/measure.js';

describe('parseProgress: the NDJSON of simulate --json', () => {
  it('sums each stage over the years, lists the years, and sees the summary', () => {
    const stdout = [
      '{"event":"run_started","runId":"r","startYear":2025,"endYear":2026}',
      '{"event":"stage_completed","year":2025,"stage":"FOUNDATION","seconds":0.5}',
      '{"event":"stage_completed","year":2025,"stage":"CLEANUP","seconds":0.25}',
      '{"event":"year_completed","year":2025,"seconds":1.5,"summary":{}}',
      'not json',
      '{"event":"stage_completed","year":2026,"stage":"FOUNDATION","seconds":0.75}',
      '{"event":"year_completed","year":2026,"seconds":2,"summary":{}}',
      '{"event":"summary","runId":"r"}',
      '',
    ].join('\n');
    expect(parseProgress(stdout)).toEqual({ stages: { FOUNDATION: 1.25, CLEANUP: 0.25 }, yearSeconds: [1.5, 2], summary: true });
    expect(parseProgress('').summary).toBe(false);
  });
});

describe('caseResult', () => {
  it('takes the median and the min/max of the samples', () => {
    const r = caseResult('x', 'simulate', {}, [
      { wallSeconds: 3, peakRssMiB: 300 },
      { wallSeconds: 1, peakRssMiB: 100 },
      { wallSeconds: 2, peakRssMiB: 250 },
      { wallSeconds: 10, peakRssMiB: 120 },
    ], 'process');
    expect(r).toMatchObject({ repeats: 4, medianWallSeconds: 2.5, minWallSeconds: 1, maxWallSeconds: 10, medianPeakRssMiB: 185, minPeakRssMiB: 100, maxPeakRssMiB: 300 });
  });
});

describe('the child environment', () => {
  it('drops config overrides and a caller resource report, keeps the rest', () => {
    const env = cleanEnvironment({ PATH: '/bin', PLANALIGN_SIMULATION__START_YEAR: '2030', NAV_X__Y: '1', PLANALIGN_RESOURCE_REPORT: '/tmp/r', PLANALIGN_OTHER: 'kept' });
    expect(env).toEqual({ PATH: '/bin', PLANALIGN_OTHER: 'kept' });
  });
});

describe.runIf(process.platform === 'linux')('treeRssKiB', () => {
  it('counts at least this process, and nothing for a process that does not exist', () => {
    expect(treeRssKiB(process.pid)).toBeGreaterThan(10_000);
    expect(treeRssKiB(2 ** 22 + 12345)).toBe(0);
  });
});

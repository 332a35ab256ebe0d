/**
 * Running a command as a child process and measuring it: wall time (spawn to exit), the process's
 * own peak RSS and CPU (the CLI writes them to PLANALIGN_RESOURCE_REPORT on exit), and optionally the
 * peak RSS of its whole process tree, sampled from /proc (for `planalign batch`, whose scenario runs
 * are child processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ChildMeasurement {
  wallSeconds: number;
  stdout: string;
  stderr: string;
  /** From the resource report; undefined when the process wrote none. */
  peakRssMiB?: number;
  cpuSeconds?: number;
  /** Peak of the summed RSS of the process and its descendants (sampled), when asked for. */
  treePeakRssMiB?: number;
  /** From the spawn to the start of the first simulated year (the resource report's mark), for a
   *  run that reached one. */
  startupSeconds?: number;
}

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where the CLI writes its resource report (set as PLANALIGN_RESOURCE_REPORT). */
  resourceReport?: string;
  /** Sample the process tree's RSS every this many milliseconds. */
  sampleTreeEveryMs?: number;
  /** Keep at most this many characters of stdout (the rest is dropped). */
  maxStdout?: number;
}

/** The environment of a measured run: the harness's own, minus config overrides (PLANALIGN_/NAV_ with
 *  `__`) and any resource report of the harness's caller, so the host cannot change what is measured. */
export function cleanEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if ((name.startsWith('PLANALIGN_') || name.startsWith('NAV_')) && (name.includes('__') || name === 'PLANALIGN_RESOURCE_REPORT')) continue;
    out[name] = value;
  }
  return out;
}

export class ChildFailed extends Error {}

/** The measured processes still running (so that an interrupted harness can end them). */
export const runningChildren = new Set<ChildProcess>();

export async function measureChild(command: string, args: string[], options: ChildOptions): Promise<ChildMeasurement> {
  const env = { ...options.env };
  if (options.resourceReport !== undefined) {
    rmSync(options.resourceReport, { force: true });
    env.PLANALIGN_RESOURCE_REPORT = options.resourceReport;
  }
  const maxStdout = options.maxStdout ?? 50_000_000;
  const started = process.hrtime.bigint();
  // The child stamps its first year in epoch milliseconds (its time origin + its clock): the same
  // wall clock as this one.
  const spawnedAtMs = performance.timeOrigin + performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  runningChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < maxStdout) stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  let treePeakKiB = 0;
  let timer: NodeJS.Timeout | undefined;
  if (options.sampleTreeEveryMs !== undefined && child.pid !== undefined) {
    const pid = child.pid;
    const sample = (): void => {
      treePeakKiB = Math.max(treePeakKiB, treeRssKiB(pid));
    };
    timer = setInterval(sample, options.sampleTreeEveryMs);
  }
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, s) => done({ code: c, signal: s }));
  }).finally(() => runningChildren.delete(child));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (timer !== undefined) clearInterval(timer);
  if (code !== 0) {
    throw new ChildFailed(`${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
  }
  const result: ChildMeasurement = { wallSeconds, stdout, stderr };
  if (options.resourceReport !== undefined && existsSync(options.resourceReport)) {
    const usage = JSON.parse(readFileSync(options.resourceReport, 'utf8')) as {
      maxRssKiB: number;
      userMicros?: number;
      systemMicros?: number;
      firstYearStartedAtMs?: number;
    };
    result.peakRssMiB = usage.maxRssKiB / 1024;
    if (usage.userMicros !== undefined && usage.systemMicros !== undefined) result.cpuSeconds = (usage.userMicros + usage.systemMicros) / 1e6;
    if (usage.firstYearStartedAtMs !== undefined) result.startupSeconds = (usage.firstYearStartedAtMs - spawnedAtMs) / 1000;
  }
  if (options.sampleTreeEveryMs !== undefined) result.treePeakRssMiB = treePeakKiB / 1024;
  return result;
}

/**
 * CPU seconds all processes of the machine have used so far (Linux /proc/stat, USER_HZ = 100), or
 * undefined elsewhere. The difference over a run, minus the run's own CPU, is what other work took.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = first.trim().split(/\s+/).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, b) => a + (b ?? 0), 0);
    return Number.isFinite(busy) ? busy / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process tree can be sampled (Linux /proc). */
export function canSampleTree(): boolean {
  return existsSync('/proc/self/stat') && existsSync('/proc/self/status');
}

/** The summed resident memory (KiB) of `root` and all its descendants now; 0 once it is gone. */
export function treeRssKiB(root: number): number {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list === undefined) children.set(ppid, [Number(entry)]);
      else list.push(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match !== null) total += Number(match[1]);
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The NDJSON progress of `simulate --json`: per stage the sum over years, and each year's seconds. */
export function parseProgress(stdout: string): { stages: Record<string, number>; yearSeconds: number[]; summary: boolean } {
  const stages: Record<string, number> = {};
  const yearSeconds: number[] = [];
  let summary = false;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event: { event?: string; stage?: string; seconds?: number };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue;
    }
    if (event.event === 'stage_completed' && typeof event.stage === 'string' && typeof event.seconds === 'number') {
      stages[event.stage] = (stages[event.stage] ?? 0) + event.seconds;
    } else if (event.event === 'year_completed' && typeof event.seconds === 'number') {
      yearSeconds.push(event.seconds);
    } else if (event.event === 'summary') {
      summary = true;
    }
  }
  return { stages, yearSeconds, summary };
}

/**
 * Synthetic census generator. Deterministic: the same (employees, seed, asOf) always yields the same rows,
 * and `writeCensus` the same file bytes (for one DuckDB version). Each row draws from its own PRNG stream
 * derived from (seed, row index), so the first N rows of a larger census equal a census of N.
 *
 * Target statistics (reference spec §1.1, shipped census): ~10 % of rows terminated; ~85 % of rows
 * participate (deferral rate > 0) with median 6 %, mean ≈ 7.7 %, ~29 % of participants at ≥ 10 %; ages
 * 22–65 at asOf (mean ≈ 40); hire dates within 20 years before asOf and after age 18; pay spread over the
 * five job-level bands in the reference mix (3446/1632/852/747/87), plus a few outliers below 56 000 and
 * above 500 000.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { once } from 'node:events';
import { Database } from '../db/database.js';
import { UsageError } from '../errors.js';

export interface CensusRow {
  employee_id: string;
  employee_ssn: string;
  /** ISO date `YYYY-MM-DD`. */
  employee_birth_date: string;
  employee_hire_date: string;
  /** ISO date, or null while employed. */
  employee_termination_date: string | null;
  /** Annual pay in whole dollars. */
  employee_gross_compensation: number;
  /** Fraction: 0.06 = 6 %; 0 = not participating. */
  employee_deferral_rate: number;
  active: boolean;
}

export interface GenerateCensusOptions {
  employees: number;
  seed: number;
  /** Census date, `YYYY-MM-DD`; default `2024-12-31`. */
  asOf?: string;
}

export interface WriteCensusOptions extends GenerateCensusOptions {
  /** Output path: `.parquet` writes Parquet, `.csv` writes CSV. */
  out: string;
}

export const DEFAULT_CENSUS_AS_OF = '2024-12-31';

/** Column order of generated files. */
export const GENERATED_CENSUS_COLUMNS = [
  'employee_id',
  'employee_ssn',
  'employee_birth_date',
  'employee_hire_date',
  'employee_termination_date',
  'employee_gross_compensation',
  'employee_deferral_rate',
  'active',
] as const;

// --- distributions ---------------------------------------------------------------------------------------

const TERMINATED_SHARE = 0.1;
const PARTICIPATION_SHARE = 0.85;

/** Deferral rate (whole percent) → weight. Median 6 %, mean 7.71 %, 29 % at ≥ 10 %. */
const DEFERRAL_PERCENT_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 3], [2, 4], [3, 8], [4, 8], [5, 11], [6, 20], [7, 5], [8, 7], [9, 5],
  [10, 12], [12, 4], [15, 7], [20, 6],
];

interface PayBand {
  level: number;
  /** Reference headcount, used as the draw weight. */
  weight: number;
  min: number;
  /** Exclusive. */
  max: number;
  /** Skew toward the bottom of the band: position = u^skew. */
  skew: number;
}

/**
 * Level bands from `config_job_levels`. The reference maps pay to the smallest level whose
 * `min ≤ pay < max`, so 275 000–300 000 resolves to level 4: level 5 pay is drawn from 300 000 upward to
 * keep the level mix as intended.
 */
const PAY_BANDS: readonly PayBand[] = [
  { level: 1, weight: 3446, min: 56_000, max: 80_000, skew: 1.2 },
  { level: 2, weight: 1632, min: 81_000, max: 120_000, skew: 1.3 },
  { level: 3, weight: 852, min: 121_000, max: 160_000, skew: 1.3 },
  { level: 4, weight: 747, min: 161_000, max: 300_000, skew: 1.8 },
  { level: 5, weight: 87, min: 300_000, max: 500_000, skew: 1.5 },
];
const LOW_PAY_SHARE = 0.003; // part-timers etc. below the level-1 band
const HIGH_PAY_SHARE = 0.001; // executives above the level-5 band

const AGE_MIN = 22;
const AGE_MAX = 65;
const AGE_MEAN = 39.5;
const AGE_SD = 10.5;
const HIRE_WINDOW_YEARS = 20;
/** Tenure skew: hire offset before asOf = window × u^TENURE_SKEW (more recent hires than long-tenured). */
const TENURE_SKEW = 1.4;

// --- PRNG --------------------------------------------------------------------------------------------------

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
function mulberry32(state: number): () => number {
  let a = state | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit finaliser (murmur3 fmix32). */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Seed of one row's stream, mixing every bit of a safe-integer seed with the row index. */
function rowSeed(seed: number, index: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(fmix32(lo ^ 0x9e3779b9) ^ fmix32(hi + 0x7f4a7c15) ^ Math.imul(index + 1, 0x27d4eb2f));
}

// --- dates (UTC day numbers) -------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function parseAsOf(asOf: string): { year: number; month: number; day: number; dayNo: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  const dayNo = dayNumber(year, month, day);
  if (match === null || isoDate(dayNo) !== asOf) {
    throw new UsageError(`Invalid census date ${JSON.stringify(asOf)}: expected YYYY-MM-DD`);
  }
  return { year, month, day, dayNo };
}

function checkOptions(opts: GenerateCensusOptions): void {
  if (!Number.isSafeInteger(opts.employees) || opts.employees < 1) {
    throw new UsageError(`--employees must be a positive integer (got ${String(opts.employees)})`);
  }
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
    throw new UsageError(`--seed must be a non-negative integer (got ${String(opts.seed)})`);
  }
}

// --- rows ----------------------------------------------------------------------------------------------------

/** Streams the census rows one by one (constant memory). */
export function* censusRows(opts: GenerateCensusOptions): Generator<CensusRow> {
  checkOptions(opts);
  const asOf = parseAsOf(opts.asOf ?? DEFAULT_CENSUS_AS_OF);
  const idWidth = Math.max(6, String(opts.employees).length);
  const hireFloor = dayNumber(asOf.year - HIRE_WINDOW_YEARS, asOf.month, asOf.day) + 1;
  const deferralTotal = DEFERRAL_PERCENT_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  const bandTotal = PAY_BANDS.reduce((sum, b) => sum + b.weight, 0);

  for (let i = 0; i < opts.employees; i += 1) {
    const rng = mulberry32(rowSeed(opts.seed, i));

    // Age (whole years at asOf): truncated normal.
    let age: number;
    do {
      const u1 = 1 - rng();
      const u2 = rng();
      age = Math.floor(AGE_MEAN + AGE_SD * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    } while (age < AGE_MIN || age > AGE_MAX);
    // Birth date such that the exact age at asOf is `age`.
    const bornAfter = dayNumber(asOf.year - age - 1, asOf.month, asOf.day); // exclusive
    const bornBy = dayNumber(asOf.year - age, asOf.month, asOf.day);
    const birth = bornAfter + 1 + Math.floor(rng() * (bornBy - bornAfter));

    // Hire date: after age 18, within the window, skewed toward recent hires.
    const birthDate = new Date(birth * DAY_MS);
    const adult = dayNumber(birthDate.getUTCFullYear() + 18, birthDate.getUTCMonth() + 1, birthDate.getUTCDate());
    const earliest = Math.max(hireFloor, adult);
    const hire = asOf.dayNo - Math.floor((asOf.dayNo - earliest + 1) * rng() ** TENURE_SKEW);

    // Termination.
    const terminated = rng() < TERMINATED_SHARE;
    const termination = terminated ? hire + Math.floor(rng() * (asOf.dayNo - hire + 1)) : null;

    // Pay.
    let pay: number;
    const payDraw = rng();
    if (payDraw < LOW_PAY_SHARE) {
      pay = 30_000 + Math.floor(rng() * 26_000);
    } else if (payDraw < LOW_PAY_SHARE + HIGH_PAY_SHARE) {
      pay = 500_000 + Math.floor(rng() * 400_000);
    } else {
      let pick = rng() * bandTotal;
      let band = PAY_BANDS[PAY_BANDS.length - 1] as PayBand;
      for (const b of PAY_BANDS) {
        if (pick < b.weight) {
          band = b;
          break;
        }
        pick -= b.weight;
      }
      pay = band.min + Math.floor((band.max - band.min) * rng() ** band.skew);
    }

    // Deferral rate.
    let rate = 0;
    if (rng() < PARTICIPATION_SHARE) {
      let pick = rng() * deferralTotal;
      let percent = 6;
      for (const [p, w] of DEFERRAL_PERCENT_WEIGHTS) {
        if (pick < w) {
          percent = p;
          break;
        }
        pick -= w;
      }
      rate = percent / 100;
    }

    const seq = String(i + 1).padStart(idWidth, '0');
    yield {
      employee_id: `EMP_${seq}`,
      employee_ssn: `SSN-${String(200_000_001 + i).padStart(9, '0')}`,
      employee_birth_date: isoDate(birth),
      employee_hire_date: isoDate(hire),
      employee_termination_date: termination === null ? null : isoDate(termination),
      employee_gross_compensation: pay,
      employee_deferral_rate: rate,
      active: termination === null,
    };
  }
}

/** All rows in memory; prefer `censusRows` for very large censuses. */
export function generateCensusRows(opts: GenerateCensusOptions): CensusRow[] {
  return Array.from(censusRows(opts));
}

// --- files -----------------------------------------------------------------------------------------------------

function csvLine(row: CensusRow): string {
  // No generated value contains a comma, quote or newline, so no quoting is needed.
  return `${row.employee_id},${row.employee_ssn},${row.employee_birth_date},${row.employee_hire_date},${
    row.employee_termination_date ?? ''
  },${row.employee_gross_compensation},${row.employee_deferral_rate},${row.active}\n`;
}

async function writeCsvFile(path: string, opts: GenerateCensusOptions): Promise<number> {
  const stream = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  let rows = 0;
  let buffer = `${GENERATED_CENSUS_COLUMNS.join(',')}\n`;
  const flush = async (): Promise<void> => {
    if (!stream.write(buffer)) await Promise.race([once(stream, 'drain'), failed]);
    buffer = '';
  };
  for (const row of censusRows(opts)) {
    buffer += csvLine(row);
    rows += 1;
    if (buffer.length >= 1 << 20) await flush();
  }
  await flush();
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
  return rows;
}

/**
 * Writes a synthetic census to `out` (`.parquet` or `.csv`), atomically (temp file, then rename).
 * Parquet is produced by DuckDB from a temporary CSV, single-threaded so row groups — and so the bytes —
 * are the same on every machine.
 */
export async function writeCensus(opts: WriteCensusOptions): Promise<{ rows: number; path: string }> {
  checkOptions(opts);
  const out = resolve(opts.out);
  const ext = extname(out).toLowerCase();
  if (ext !== '.parquet' && ext !== '.csv') {
    throw new UsageError(`Census output must end in .parquet or .csv: ${out}`);
  }
  await mkdir(dirname(out), { recursive: true });
  const tag = randomBytes(6).toString('hex');
  const partial = join(dirname(out), `.${tag}.partial${ext}`);
  const csvTemp = ext === '.csv' ? partial : join(tmpdir(), `planalign-census-${tag}.csv`);
  try {
    const rows = await writeCsvFile(csvTemp, opts);
    if (ext === '.parquet') {
      const db = await Database.open(':memory:', { threads: 1 });
      try {
        await db.run(
          `COPY (
             SELECT * FROM read_csv($1, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
               columns = {
                 'employee_id': 'VARCHAR', 'employee_ssn': 'VARCHAR',
                 'employee_birth_date': 'DATE', 'employee_hire_date': 'DATE', 'employee_termination_date': 'DATE',
                 'employee_gross_compensation': 'DOUBLE', 'employee_deferral_rate': 'DOUBLE', 'active': 'BOOLEAN'
               })
           ) TO $2 (FORMAT parquet)`,
          [csvTemp, partial],
        );
      } finally {
        db.close();
      }
    }
    await rename(partial, out);
    return { rows, path: out };
  } finally {
    await rm(partial, { force: true });
    if (csvTemp !== partial) await rm(csvTemp, { force: true });
  }
}

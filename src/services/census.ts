/**
 * Census files of a workspace: list, upload (streamed, size-capped), delete, preview, check, save the
 * intake mapping, and profile the starting workforce. Checking reads the file exactly as
 * `planalign census check` does (readCensusFile); the profile reads it as a run's first year does
 * (the census staged, the parameters compiled, int_baseline_workforce built), so its levels, ages and
 * tenures are the engine's own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import {
  CENSUS_COLUMNS,
  describeIntake,
  loadCensus,
  readSidecar,
  sidecarPath,
  writeSidecar,
  type CensusColumnMapping,
  type CensusIntakeOptions,
  type CensusLoadResult,
} from '../census/index.js';
import { columnOfHeader, normalizeHeader } from '../census/mapping.js';
import { readRawCensus, type CensusFormat } from '../census/read.js';
import { problemsOf } from '../census/report.js';
import type { ReadingOptions } from '../census/sidecar.js';
import type { SimulationConfig } from '../config/index.js';
import { Database } from '../db/database.js';
import { CensusError, ConflictError, NotFoundError, PlanAlignError, UsageError } from '../errors.js';
import { OrchestratorBuilder } from '../factory.js';
import { ModelRunner } from '../models/runner.js';
import { MODELS } from '../models/registry.js';
import { compileParameters } from '../params/compile.js';
import { packageRoot } from '../paths.js';
import { validateCensusFileName, type Workspace } from '../workspace/workspace.js';

/** The largest census upload taken (the Studio's body limit for it too). */
export const MAX_CENSUS_BYTES = 200 * 1024 * 1024;

export interface CensusFileInfo {
  file: string;
  format: CensusFormat;
  bytes: number;
  modifiedAt: string;
  /** Whether it has a sidecar (<file>.planalign.yaml) saying how it is read. */
  sidecar: boolean;
  /** The scenarios whose setup.census_parquet_path is this file. */
  usedBy: string[];
}

export interface CensusCheck {
  valid: boolean;
  format?: CensusFormat;
  rows: number;
  activeRows: number;
  terminatedRows: number;
  /** The census hash a run records. */
  hash?: string;
  /** How it was read, in the line `census check` prints ("read as: ..."). */
  readAs?: string;
  /** Which header became which census column (null when the census was refused). */
  mapping: CensusColumnMapping | null;
  warnings: string[];
  /**
   * Why it was refused: each problem at its row as the file numbers it (the CSV line, the header
   * being line 1; the Parquet row; the sheet row) and column as the file names it, when it has them.
   * At most MAX_REPORTED_PROBLEMS; `error` counts them all.
   */
  problems: Array<{ row: number | null; column: string | null; value: string | null; message: string }>;
  /** The refusal as `census check` prints it, and its hint. */
  error?: string;
  hint?: string;
}

export interface CensusPreview {
  header: string[];
  /** The first rows as text, as read (empty for an empty cell). */
  rows: string[][];
  /** Census column -> the header that would be read as it (the sidecar's, else by name or synonym), or null. */
  suggested: Record<string, string | null>;
  /** The sidecar's reading options, when the file has one. */
  sidecar?: ReadingOptions;
}

export interface CensusProfile {
  /** The census date: the end of the year before the first simulated year (ages and tenures are at it). */
  asOf: string;
  /** The starting workforce: rows without a termination date, duplicates dropped. */
  activeHeadcount: number;
  /** Every level of the config, in order; avgPay null for an empty level. Units: usd. */
  byLevel: Array<{ level: number; count: number; avgPay: number | null }>;
  /** Every band of the config's age_bands / tenure_bands (or the standard ones), in order. */
  byAgeBand: Array<{ band: string; count: number }>;
  byTenureBand: Array<{ band: string; count: number }>;
  /** Annual pay (usd, to the cent). Percentiles by DuckDB quantile_cont (linear interpolation); null without employees. */
  pay: {
    min: number | null;
    p10: number | null;
    p25: number | null;
    median: number | null;
    p75: number | null;
    p90: number | null;
    max: number | null;
    mean: number | null;
    total: number;
    /** PAY_BINS bins of equal width from min to max (one when all pay is equal), each [from, to), the last [from, to]. */
    histogram: Array<{ from: number; to: number; count: number }>;
  };
  /** Participants: a census deferral rate above 0; avgDeferralRate: their mean starting rate (fraction), null without any. */
  participation: { participants: number; rate: number | null; avgDeferralRate: number | null };
}

const PAY_BINS = 10;
/** The model that makes the first year's workforce of the census: the profile reads it. */
const BASELINE_MODEL = (() => {
  const model = MODELS.find((m) => m.name === 'int_baseline_workforce');
  if (model === undefined) throw new Error('int_baseline_workforce is not a registered model');
  return model;
})();
const CENSUS_FORMATS: Readonly<Record<string, CensusFormat>> = { '.csv': 'csv', '.xlsx': 'xlsx', '.parquet': 'parquet' };

// --- reading a census file (shared with `planalign census check`) ---------------------------------------

export interface CensusReadOptions {
  /** The run's config: its deferral_rates rules and first year. */
  config?: SimulationConfig | undefined;
  /** How to read it (win over its sidecar). */
  intake?: CensusIntakeOptions | undefined;
}

/**
 * Reads a census as a simulation under `config` would (its deferral_rates rules and first year; the
 * default rules without one) into a throwaway in-memory database. Throws CensusError when it is refused.
 */
export async function readCensusFile(path: string, options: CensusReadOptions = {}): Promise<CensusLoadResult> {
  const db = await Database.open(':memory:');
  try {
    return await loadCensusFor(db, path, options);
  } finally {
    db.close();
  }
}

function loadCensusFor(db: Database, path: string, options: CensusReadOptions): Promise<CensusLoadResult> {
  return loadCensus(db, path, options.config?.deferral_rates, options.config?.simulation.start_year, options.intake ?? {});
}

// --- the workspace's census files -----------------------------------------------------------------------

export function listCensus(ws: Workspace): CensusFileInfo[] {
  const dir = join(ws.root, 'census');
  if (!existsSync(dir)) return [];
  const users = censusUsers(ws);
  return readdirSync(dir)
    .filter(isCensusFileName)
    .sort()
    .map((file) => censusInfo(ws, file, users));
}

/**
 * Streams an upload into a temporary file beside the census files, counting bytes as they come: past
 * `maxBytes` the temporary file is removed and nothing else is touched. Renamed into place once whole.
 */
export async function saveCensusUpload(
  ws: Workspace,
  file: string,
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  options: { maxBytes?: number; overwrite?: boolean } = {},
): Promise<CensusFileInfo> {
  const target = ws.censusFile(file);
  const maxBytes = options.maxBytes ?? MAX_CENSUS_BYTES;
  if (!options.overwrite && existsSync(target)) {
    throw new ConflictError(`Census file ${file} exists`, { file }, 'Delete it first, or upload it again with overwrite.');
  }
  await mkdir(join(ws.root, 'census'), { recursive: true });
  // A dot name: never listed, never taken for a census file.
  const temp = join(ws.root, 'census', `.${file}.${randomBytes(4).toString('hex')}.upload`);
  const handle = await open(temp, 'wx');
  let done = false;
  try {
    let bytes = 0;
    // Node's web ReadableStream is async-iterable too; leaving the loop early cancels the stream.
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) {
        throw new UsageError(`Census upload ${file} is larger than ${describeBytes(maxBytes)}`, { file }, 'Upload a smaller file.');
      }
      await handle.write(chunk);
    }
    await handle.close();
    await rename(temp, target);
    done = true;
  } finally {
    if (!done) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }
  return censusInfo(ws, file, censusUsers(ws));
}

/** Deletes the file and its sidecar; refused while a scenario reads it. */
export function deleteCensus(ws: Workspace, file: string): void {
  const path = existingCensus(ws, file);
  const info = censusInfo(ws, file, censusUsers(ws));
  if (info.usedBy.length > 0) {
    throw new ConflictError(
      `Census file ${file} is used by scenario${info.usedBy.length > 1 ? 's' : ''} ${info.usedBy.join(', ')}`,
      { file },
      'Point those scenarios (setup.census_parquet_path) at another census first.',
    );
  }
  rmSync(path);
  rmSync(sidecarPath(path), { force: true });
}

/** The header and first rows as read (the sidecar's separator and sheet), and the mapping they suggest. */
export async function previewCensus(ws: Workspace, file: string, rows = 20): Promise<CensusPreview> {
  const path = existingCensus(ws, file);
  const sidecar = await readSidecar(path);
  const db = await Database.open(':memory:');
  try {
    const raw = `census_preview_${randomBytes(6).toString('hex')}`;
    await readRawCensus(db, path, raw, sidecar?.options ?? {});
    const header = (await db.all<{ column_name: string }>(`DESCRIBE temp.main.${raw}`)).map((r) => r.column_name).filter((c) => c !== '__census_row');
    const data = await db.all(`SELECT * EXCLUDE (__census_row) FROM temp.main.${raw} ORDER BY __census_row LIMIT $n`, {
      n: Math.max(0, Math.trunc(rows)),
    });
    const named = sidecar?.options.columns ?? {};
    const suggested = Object.fromEntries(
      CENSUS_COLUMNS.map((c) => {
        const given = named[c.name];
        if (given !== undefined && header.includes(given)) return [c.name, given];
        const matching = header.filter((h) => columnOfHeader(h) === c.name);
        // The column's own name wins over its synonyms, as the mapping does.
        return [c.name, matching.find((h) => normalizeHeader(h) === normalizeHeader(c.name)) ?? matching[0] ?? null];
      }),
    );
    return {
      header,
      rows: data.map((row) => header.map((h) => (row[h] === null || row[h] === undefined ? '' : String(row[h])))),
      suggested,
      ...(sidecar === undefined ? {} : { sidecar: sidecar.options }),
    };
  } finally {
    db.close();
  }
}

/**
 * Checks the census as `census check` does (with `scenario`: as that scenario's run reads it). A
 * census refused for its contents is a result (valid: false, its problems), never a throw.
 */
export async function checkCensus(ws: Workspace, file: string, options: { intake?: ReadingOptions; scenario?: string } = {}): Promise<CensusCheck> {
  const path = existingCensus(ws, file);
  const config = options.scenario === undefined ? undefined : ws.scenarioConfig(options.scenario).config;
  try {
    const result = await readCensusFile(path, { config, intake: options.intake });
    return {
      valid: true,
      format: result.format,
      rows: result.rows,
      activeRows: result.activeRows,
      terminatedRows: result.terminatedRows,
      hash: result.hash,
      readAs: describeIntake(result),
      mapping: result.mapping,
      warnings: result.warnings,
      problems: [],
    };
  } catch (error) {
    if (!(error instanceof CensusError)) throw error;
    return {
      valid: false,
      rows: 0,
      activeRows: 0,
      terminatedRows: 0,
      mapping: null,
      warnings: [],
      problems: problemsOf(error).map((p) => ({ row: p.line, column: p.column === '' ? null : p.column, value: p.value, message: p.problem })),
      error: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    };
  }
}

/**
 * Reads the census with these options and writes what was used (options and header mapping) to its
 * sidecar, as `census check --save-mapping` does; a census these options cannot read is refused
 * (CensusError) and nothing is written. Returns the sidecar's workspace-relative path.
 */
export async function saveCensusMapping(ws: Workspace, file: string, intake: ReadingOptions): Promise<string> {
  const result = await readCensusFile(existingCensus(ws, file), { intake });
  return ws.relative(await writeSidecar(result.path, result.intake));
}

/**
 * The starting workforce of the census as the scenario's run (default: the bundled config) starts it:
 * headcount by level, age band and tenure band, the pay distribution and the participation.
 */
export async function profileCensus(ws: Workspace, file: string, options: { scenario?: string } = {}): Promise<CensusProfile> {
  const path = existingCensus(ws, file);
  const configFile = options.scenario === undefined ? join(packageRoot, 'config', 'simulation_config.yaml') : ws.existingScenarioFile(options.scenario);
  // As a workspace run reads its config: no environment overrides, relative paths in the workspace.
  const { config: loaded, parameterTables } = new OrchestratorBuilder().withConfig(configFile, { baseDir: ws.root }).withEnvironment({}).resolveInputs();
  const config = loaded.config;
  const startYear = config.simulation.start_year;
  const db = await Database.open(':memory:');
  try {
    await loadCensusFor(db, path, { config });
    await compileParameters(db, config, { scenarioId: 'profile', planDesignId: 'profile', startedAt: new Date() }, parameterTables);
    const runner = new ModelRunner(db);
    await runner.installMacros();
    await runner.setYear(startYear, startYear, config.simulation.random_seed);
    await runner.runModel(BASELINE_MODEL, startYear);
    return await readProfile(db, `${startYear - 1}-12-31`);
  } finally {
    db.close();
  }
}

/** The profile's figures, from int_baseline_workforce and the compiled levels and bands. */
async function readProfile(db: Database, asOf: string): Promise<CensusProfile> {
  const banded = `SELECT w.*, pa_band(w.current_age, l.age_min_values, l.age_labels) AS age_band,
                         pa_band(w.current_tenure, l.tenure_min_values, l.tenure_labels) AS tenure_band
                    FROM int_baseline_workforce w, param_band_lookup l`;
  const byLevel = await db.all<{ level: number; count: number; avgPay: number | null }>(
    `SELECT j.level_id::INTEGER AS level, count(w.employee_id)::INTEGER AS count, round(avg(w.current_compensation), 2)::DOUBLE AS "avgPay"
       FROM param_job_levels j LEFT JOIN int_baseline_workforce w USING (level_id)
      GROUP BY j.level_id ORDER BY j.level_id`,
  );
  const byBand = (bands: string, column: string) =>
    db.all<{ band: string; count: number }>(
      `SELECT b.band_label AS band, count(w.employee_id)::INTEGER AS count
         FROM ${bands} b LEFT JOIN (${banded}) w ON w.${column} = b.band_label
        GROUP BY b.band_label, b.min_value ORDER BY b.min_value`,
    );
  const stats = await db.one<Omit<CensusProfile['pay'], 'histogram'> & { headcount: number; participants: number; avgDeferralRate: number | null }>(
    `SELECT count(*)::INTEGER AS headcount,
            min(p) AS min, round(quantile_cont(p, 0.1), 2) AS p10, round(quantile_cont(p, 0.25), 2) AS p25,
            round(quantile_cont(p, 0.5), 2) AS median, round(quantile_cont(p, 0.75), 2) AS p75, round(quantile_cont(p, 0.9), 2) AS p90,
            max(p) AS max, round(avg(p), 2) AS mean, coalesce(sum(p), 0) AS total,
            count(*) FILTER (WHERE is_enrolled_at_census)::INTEGER AS participants,
            avg(employee_deferral_rate::DOUBLE) FILTER (WHERE is_enrolled_at_census) AS "avgDeferralRate"
       FROM (SELECT current_compensation::DOUBLE AS p, * FROM int_baseline_workforce)`,
  );
  if (stats === undefined) throw new Error('census profile returned no row');
  const { headcount, participants, avgDeferralRate, ...pay } = stats;
  return {
    asOf,
    activeHeadcount: headcount,
    byLevel,
    byAgeBand: await byBand('param_age_bands', 'age_band'),
    byTenureBand: await byBand('param_tenure_bands', 'tenure_band'),
    pay: { ...pay, histogram: await payHistogram(db, pay.min, pay.max) },
    participation: { participants, rate: headcount === 0 ? null : participants / headcount, avgDeferralRate },
  };
}

async function payHistogram(db: Database, min: number | null, max: number | null): Promise<CensusProfile['pay']['histogram']> {
  if (min === null || max === null) return [];
  const bins = max > min ? PAY_BINS : 1;
  const width = (max - min) / bins;
  const counts = await db.all<{ bin: number; count: number }>(
    `SELECT least(floor((current_compensation::DOUBLE - $min) / $width), $last)::INTEGER AS bin, count(*)::INTEGER AS count
       FROM int_baseline_workforce GROUP BY bin`,
    { min, width: width === 0 ? 1 : width, last: bins - 1 },
  );
  const cents = (usd: number): number => Math.round(usd * 100) / 100;
  return Array.from({ length: bins }, (_, i) => ({
    from: cents(min + i * width),
    to: i === bins - 1 ? max : cents(min + (i + 1) * width),
    count: counts.find((c) => c.bin === i)?.count ?? 0,
  }));
}

// --- helpers ---------------------------------------------------------------------------------------------

function describeBytes(bytes: number): string {
  const mb = 1024 * 1024;
  return bytes % mb === 0 ? `${bytes / mb} MB` : `${bytes.toLocaleString('en-US')} bytes`;
}

/** The workspace's rule for census names: anything else in census/ (temporary uploads, sidecars) is not listed. */
function isCensusFileName(file: string): boolean {
  try {
    validateCensusFileName(file);
    return true;
  } catch {
    return false;
  }
}

/** The path of a census file that exists, by a valid name, and does not lead out of the workspace (a symbolic link). */
export function existingCensus(ws: Workspace, file: string): string {
  const path = ws.censusFile(file);
  if (!existsSync(path)) throw new NotFoundError(`Census file ${file} not found in ${join(ws.root, 'census')}`, { file });
  return ws.inside(ws.relative(path), `census file ${file}`);
}

function censusInfo(ws: Workspace, file: string, users: ReadonlyMap<string, string[]>): CensusFileInfo {
  const path = ws.censusFile(file);
  const info = statSync(path);
  return {
    file,
    format: CENSUS_FORMATS[extname(file)] as CensusFormat,
    bytes: info.size,
    modifiedAt: info.mtime.toISOString(),
    sidecar: existsSync(sidecarPath(path)),
    usedBy: users.get(path) ?? [],
  };
}

/** Census path -> the scenarios reading it (a scenario whose config cannot be read uses none). */
function censusUsers(ws: Workspace): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const name of ws.scenarioNames()) {
    let census: string;
    try {
      census = ws.scenarioCensus(name);
    } catch (error) {
      if (error instanceof PlanAlignError) continue;
      throw error;
    }
    users.set(census, [...(users.get(census) ?? []), name]);
  }
  return users;
}

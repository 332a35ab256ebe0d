import { migrateConfigTo2026, NOT_MIGRATED } from '../../config/migrate-2026.js';
import { describeEra } from '../../config/era.js';
import { ExitCode, UsageError } from '../../errors.js';
import { validateConfigCompatibility, writeCleanedConfig } from '../../migration/config.js';
import { migrateDatabaseSchema, rollbackMigration } from '../../migration/database.js';

/** `planalign migrate config F [--write F2]`: what the reference config means here, and a cleaned copy. */
export async function migrateConfig(
  file: string,
  options: { write?: string; json?: true; to2026?: true; out?: string; force?: true },
): Promise<number> {
  if (options.to2026) {
    if (options.write !== undefined) throw new UsageError('--write and --to-2026 cannot be combined: --to-2026 writes to --out');
    return migrateConfigEra(file, options);
  }
  if (options.out !== undefined || options.force) throw new UsageError('--out and --force go with --to-2026 (the cleaned copy goes to --write)');
  const report = validateConfigCompatibility(file);
  const written = report.valid && options.write !== undefined ? writeCleanedConfig(file, options.write) : undefined;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...report, written }, null, 2)}\n`);
    return report.valid ? ExitCode.Success : ExitCode.UsageError;
  }
  const lines = [`Config ${report.path}: ${report.valid ? 'loads in PlanAlign' : 'does not load'}`];
  if (!report.valid) lines.push(...report.errors.map((e) => `  error: ${e}`));
  if (report.simulationYears) lines.push(`  years ${report.simulationYears.start}–${report.simulationYears.end}`);
  lines.push(
    report.hasIdentifiers
      ? `  identifiers: scenario ${report.scenarioId}, plan design ${report.planDesignId}`
      : '  identifiers: scenario_id / plan_design_id missing (runs use "default")',
  );
  if (report.valid) lines.push(`  honoured: ${report.honoured.length} key(s)`);
  if (report.ignored.length > 0) lines.push('  accepted but ignored:', ...report.ignored.map((i) => `    - ${i}`));
  if (report.unknown.length > 0) lines.push('  unknown:', ...report.unknown.map((u) => `    - ${u}`));
  if (report.behaviourChanges.length > 0) lines.push('  results that change from the reference engine:', ...report.behaviourChanges.map((c) => `    - ${c}`));
  if (written) {
    lines.push(`  wrote ${written.written}: removed ${written.removed.length} key(s)${written.added.length > 0 ? `, added ${written.added.join(', ')}` : ''}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return report.valid ? ExitCode.Success : ExitCode.UsageError;
}

/** `planalign migrate config F --to-2026 [--out F2] [--force]`: the 2026-era copy, same effective config. */
async function migrateConfigEra(file: string, options: { json?: true; out?: string; force?: true }): Promise<number> {
  const result = await migrateConfigTo2026(file, { out: options.out, force: options.force === true });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return ExitCode.Success;
  }
  const lines =
    result.written === undefined
      ? [`Config ${result.source}: every plan-design section already reads in its 2026 era (but those not migrated); nothing written`]
      : [
          `Wrote ${result.written}: the 2026-era copy of ${result.source}, same effective config (hash ${result.hash.slice(0, 12)})`,
          '  added, each at the value applied today:',
          ...result.added.map((a) => `    - ${a.key}: ${JSON.stringify(a.value)}`),
        ];
  lines.push('  eras now:', ...result.after.map((e) => `    - ${describeEra(e)}`));
  const kept = result.after.filter((e) => e.era === 2025 && Object.hasOwn(NOT_MIGRATED, e.section));
  if (kept.length > 0) lines.push('  not migrated (their 2026 meaning changes the simulation):', ...kept.map((e) => `    - ${e.section}: ${NOT_MIGRATED[e.section]}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Success;
}

/** `planalign migrate database F [--config C --census K]`. */
export async function migrateDatabase(file: string, options: { config?: string; census?: string; json?: true }): Promise<number> {
  const result = await migrateDatabaseSchema(file, {
    config: options.config,
    census: options.census,
    onStep: options.json ? undefined : (step) => process.stderr.write(`  ${step.replaceAll('_', ' ')}...\n`),
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.success) {
    const byYear = new Map<number, string[]>();
    for (const f of result.validation ?? []) byYear.set(f.year, [...(byYear.get(f.year) ?? []), `${f.rule} (${f.violations})`]);
    const lines = [
      `Migrated ${result.database} (backup ${result.backup})`,
      `  years ${result.years?.join(', ')} registered as run ${result.runId}`,
      `  imported ${Object.entries(result.imported ?? {}).map(([t, n]) => `${n} ${t}`).join(', ')}`,
      `  deferral state rebuilt from the events: ${result.deferralRatesChanged} employee-year(s) changed (the reference's defect D1)`,
      ...[...byYear].map(([year, rules]) => `  ${year} breaks: ${rules.join(', ')}`),
      ...(result.notApplicableRules?.length ? [`  rules not applicable to the imported years: ${result.notApplicableRules.join(', ')}`] : []),
      `  continue with: planalign simulate <years> --resume --database ${result.database} --config <config> --census <census>`,
      `  undo with:     planalign migrate rollback ${result.database}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    process.stderr.write(
      `Migration failed after ${result.completedSteps.join(', ') || 'no step'}: ${result.error}\n` +
        (result.backup ? `The original file was restored from ${result.backup}.\n` : ''),
    );
  }
  return result.success ? ExitCode.Success : ExitCode.RunFailure;
}

/** `planalign migrate rollback F`: the pre-migration file, byte for byte. */
export async function migrateRollback(file: string): Promise<number> {
  const restored = rollbackMigration(file);
  process.stdout.write(`Restored ${restored.restored} from ${restored.backup} (sha256 ${restored.sha256})\n`);
  return ExitCode.Success;
}

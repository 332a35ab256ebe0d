import { describeDesigns, describeIgnored, describePlanDesign, summarizeConfig } from '../../config/index.js';
import { describeEra } from '../../config/era.js';
import { Database } from '../../db/database.js';
import { ConfigError, ExitCode } from '../../errors.js';
import { OrchestratorBuilder } from '../../factory.js';
import { compileParameters } from '../../params/compile.js';

export async function validate(options: {
  config: string;
  allowUnknownKeys?: true;
  enforceIdentifiers?: true;
  era?: true;
  json?: true;
}): Promise<number> {
  // The parameter tables are inputs too: a bad table fails here as it would fail `simulate`.
  const { config: loaded, parameterTables } = new OrchestratorBuilder()
    .withConfig(options.config, { allowUnknownKeys: options.allowUnknownKeys === true })
    .resolveInputs();
  // Compiled as `simulate` compiles them, in memory: what needs each year's limits (the 401(l) permitted
  // disparity against the year's Social Security wage base) fails here too.
  const db = await Database.open(':memory:');
  try {
    await compileParameters(db, loaded.config, { scenarioId: 'validate', planDesignId: 'validate', startedAt: new Date() }, parameterTables);
  } finally {
    db.close();
  }
  const missing = ['scenario_id', 'plan_design_id'].filter((key) => loaded.config[key as 'scenario_id'] === undefined);
  if (options.enforceIdentifiers && missing.length > 0) {
    throw new ConfigError(
      `Configuration ${loaded.path} lacks ${missing.join(' and ')}`,
      missing.map((key) => `${key}: required with --enforce-identifiers`),
      { file: loaded.path },
      'Add the identifiers at the top level of the config (e.g. scenario_id: baseline).',
    );
  }
  if (options.era) {
    // The focused report: each section's era and the keys that chose it (the plan-design block's lines).
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ valid: true, path: loaded.path, hash: loaded.hash, eras: loaded.eras }, null, 2)}\n`
        : `${[`Plan-design eras of ${loaded.path} (absent keys keep their 2025 defaults):`, ...loaded.eras.map((e) => `  - ${describeEra(e)}`)].join('\n')}\n`,
    );
    return ExitCode.Success;
  }
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          valid: true,
          path: loaded.path,
          hash: loaded.hash,
          parametersHash: parameterTables.hash,
          designs: describeDesigns(loaded.config),
          eras: loaded.eras,
          dcPlan: loaded.dcPlan,
          ignored: loaded.ignored,
          warnings: loaded.warnings,
          missingIdentifiers: missing,
        },
        null,
        2,
      )}\n`,
    );
    return ExitCode.Success;
  }
  const lines = ['Configuration is valid', ...summarizeConfig(loaded).map((l) => `  ${l}`), ...describePlanDesign(loaded)];
  if (missing.length > 0) lines.push(`Note: no ${missing.join(' or ')}; runs use "default" (--enforce-identifiers makes this an error)`);
  if (parameterTables.dir !== undefined) lines.push(`  parameter tables: ${parameterTables.dir} (${Object.values(parameterTables.tables).filter((t) => t.source === 'override').map((t) => t.file).join(', ')}; the rest bundled)`);
  const warnings = [...loaded.warnings, ...parameterTables.notices];
  if (warnings.length > 0) lines.push('Warnings:', ...warnings.map((w) => `  - ${w}`));
  if (loaded.ignored.length > 0) lines.push('Accepted but ignored:', ...describeIgnored(loaded).map((i) => `  - ${i}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Success;
}

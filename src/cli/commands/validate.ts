import { describeDesigns } from '../../config/index.js';
import { describeEra } from '../../config/era.js';
import { ConfigError, ExitCode } from '../../errors.js';
import { checkConfig, describeCheckedConfig } from '../../services/config.js';

export async function validate(options: {
  config: string;
  allowUnknownKeys?: true;
  enforceIdentifiers?: true;
  era?: true;
  json?: true;
}): Promise<number> {
  const checked = await checkConfig(options.config, { allowUnknownKeys: options.allowUnknownKeys === true });
  const { loaded, parameterTables, missingIdentifiers: missing } = checked;
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
  process.stdout.write(`${describeCheckedConfig(checked).join('\n')}\n`);
  return ExitCode.Success;
}

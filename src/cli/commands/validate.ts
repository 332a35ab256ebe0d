import { describeIgnored, loadConfig, summarizeConfig } from '../../config/index.js';
import { ExitCode } from '../../errors.js';

export async function validate(options: { config: string; allowUnknownKeys?: true; json?: true }): Promise<number> {
  const loaded = loadConfig({ path: options.config, allowUnknownKeys: options.allowUnknownKeys === true });
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ valid: true, path: loaded.path, hash: loaded.hash, ignored: loaded.ignored, warnings: loaded.warnings }, null, 2)}\n`,
    );
    return ExitCode.Success;
  }
  const lines = ['Configuration is valid', ...summarizeConfig(loaded).map((l) => `  ${l}`)];
  if (loaded.warnings.length > 0) lines.push('Warnings:', ...loaded.warnings.map((w) => `  - ${w}`));
  if (loaded.ignored.length > 0) lines.push('Accepted but ignored:', ...describeIgnored(loaded).map((i) => `  - ${i}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Success;
}

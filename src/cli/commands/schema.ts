import { writeFileSync } from 'node:fs';
import { configJsonSchemaText } from '../../config/metadata.js';
import { ExitCode, UsageError } from '../../errors.js';

/** `planalign schema [--out FILE]`: the config's JSON Schema with a description and unit on every key. */
export function schemaCommand(options: { out?: string }): number {
  const text = configJsonSchemaText();
  if (options.out === undefined) {
    process.stdout.write(text);
    return ExitCode.Success;
  }
  try {
    writeFileSync(options.out, text);
  } catch (error) {
    throw new UsageError(`cannot write ${options.out}: ${(error as Error).message}`);
  }
  process.stderr.write(`Wrote the config JSON Schema to ${options.out}\n`);
  return ExitCode.Success;
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (the folder holding package.json), from src/ or dist/ alike. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('PlanAlign package root not found');
    dir = parent;
  }
  return dir;
})();

export const seedsDir = join(packageRoot, 'data', 'seeds');
/** SQL models and rules sit next to the module that runs them (copied into dist/ by the build). */
export const modelsSqlDir = resolve(dirname(fileURLToPath(import.meta.url)), 'models', 'sql');
export const rulesSqlDir = resolve(dirname(fileURLToPath(import.meta.url)), 'validation', 'rules');

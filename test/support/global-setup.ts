import { existsSync, statSync } from 'node:fs';

/** Fails the run if any test created or touched the default database in the working folder. */
const DEFAULT_DATABASE = 'simulation.duckdb';

export default function setup(): () => void {
  const before = existsSync(DEFAULT_DATABASE) ? statSync(DEFAULT_DATABASE).mtimeMs : undefined;
  return () => {
    const after = existsSync(DEFAULT_DATABASE) ? statSync(DEFAULT_DATABASE).mtimeMs : undefined;
    if (after !== before) {
      throw new Error(`A test wrote to the default database ./${DEFAULT_DATABASE}: every test must use its own temp database`);
    }
  };
}

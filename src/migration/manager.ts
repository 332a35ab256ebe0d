import { listCheckpoints, migrateCheckpoints } from './checkpoints.js';
import { validateConfigCompatibility, writeCleanedConfig } from './config.js';
import { migrateDatabaseSchema, rollbackMigration, type MigrationOptions } from './database.js';

/**
 * Everything a user of the Python PlanAlign Engine moves over, behind one object: configs,
 * databases (with backup and rollback) and checkpoint files.
 */
export class MigrationManager {
  validateConfigCompatibility(path: string): ReturnType<typeof validateConfigCompatibility> {
    return validateConfigCompatibility(path);
  }

  writeCleanedConfig(path: string, out: string): ReturnType<typeof writeCleanedConfig> {
    return writeCleanedConfig(path, out);
  }

  migrateDatabaseSchema(path: string, options: MigrationOptions = {}): ReturnType<typeof migrateDatabaseSchema> {
    return migrateDatabaseSchema(path, options);
  }

  rollback(path: string): ReturnType<typeof rollbackMigration> {
    return rollbackMigration(path);
  }

  migrateCheckpoints(dir: string, database: string): ReturnType<typeof migrateCheckpoints> {
    return migrateCheckpoints(dir, database);
  }

  listCheckpoints(database: string): ReturnType<typeof listCheckpoints> {
    return listCheckpoints(database);
  }
}

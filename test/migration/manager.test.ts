import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationManager } from '../../src/migration/manager.js';
import { referenceEngineDatabase } from './reference-db.js';

describe('MigrationManager', () => {
  it('brings config, database and checkpoints over through one object, and rolls back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-manager-'));
    const manager = new MigrationManager();
    expect(manager.validateConfigCompatibility('test/fixtures/reference_simulation_config.yaml').valid).toBe(true);
    expect(manager.writeCleanedConfig('test/fixtures/reference_simulation_config.yaml', join(dir, 'c.yaml')).added).toHaveLength(2);
    const { database, census } = await referenceEngineDatabase(dir, [2025, 2025]);
    const result = await manager.migrateDatabaseSchema(database, { census });
    expect(result.success).toBe(true);
    const checkpoints = await manager.listCheckpoints(database);
    expect(checkpoints.map((c) => [c.year, c.source])).toEqual([[2025, 'planalign']]);
    const empty = join(dir, '.planalign_checkpoints');
    (await import('node:fs')).mkdirSync(empty);
    expect((await manager.migrateCheckpoints(empty, database)).imported).toEqual([]);
    expect(manager.rollback(database).backup).toBe(result.backup);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabaseExists } from './data-source.js';
import { freshDatabase, TEST_DB } from '../testing/test-server.js';
import { ENTITIES } from './entities.js';

describe(`migrations (${TEST_DB})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-schema-'));
  const db = freshDatabase(dir);
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabaseExists(db);
    ds = createDataSource(db);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never synchronizes', () => {
    expect(ds.options.synchronize).toBe(false);
  });

  it('creates every entity table from an empty database', async () => {
    const ran = await ds.runMigrations();
    expect(ran.length).toBeGreaterThan(0);
    const runner = ds.createQueryRunner();
    try {
      for (const entity of ENTITIES) {
        expect(await runner.hasTable(ds.getMetadata(entity).tableName)).toBe(true);
      }
    } finally {
      await runner.release();
    }
  });

  it('leaves no difference between the migrated schema and the entities', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has nothing more to run, and reverts the last migration cleanly', async () => {
    expect(await ds.showMigrations()).toBe(false);
    await ds.undoLastMigration();
    expect(await ds.showMigrations()).toBe(true);
    await ds.runMigrations();
    expect((await ds.driver.createSchemaBuilder().log()).upQueries).toHaveLength(0);
  });
});

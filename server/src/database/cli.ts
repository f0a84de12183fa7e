/**
 * Database CLI, using the app's own configuration and data-source definition:
 *   node dist/database/cli.js migrate | revert | status
 *   node dist/database/cli.js backup <dir>   (online: see backup.ts and docs/operations.md)
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { backupMysql, backupSqlite } from './backup.js';
import { createDataSource, ensureDatabaseExists } from './data-source.js';

async function main() {
  const command = process.argv[2];
  const backupDir = process.argv[3];
  if (!['migrate', 'revert', 'status', 'backup'].includes(command ?? '') || (command === 'backup' && !backupDir)) {
    console.error('usage: cli.js migrate | revert | status | backup <dir>');
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  if (command === 'backup' && backupDir) {
    const file =
      config.db.type === 'sqlite' ? backupSqlite(config.db.file, backupDir) : await backupMysql(config.db, backupDir);
    console.log(`backup written: ${file}`);
    return;
  }
  if (command === 'migrate') await ensureDatabaseExists(config.db);
  const ds = createDataSource(config.db);
  await ds.initialize();
  try {
    if (command === 'migrate') {
      const ran = await ds.runMigrations({ transaction: 'each' });
      console.log(ran.length ? `applied: ${ran.map((m) => m.name).join(', ')}` : 'up to date');
    } else if (command === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else {
      console.log((await ds.showMigrations()) ? 'pending migrations' : 'up to date');
    }
  } finally {
    await ds.destroy();
  }
}

await main();

/**
 * Migration CLI, using the app's own configuration and data-source definition:
 *   node dist/database/cli.js migrate | revert | status
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { createDataSource, ensureDatabaseExists } from './data-source.js';

async function main() {
  const command = process.argv[2];
  if (!['migrate', 'revert', 'status'].includes(command ?? '')) {
    console.error('usage: cli.js migrate | revert | status');
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

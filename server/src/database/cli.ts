/**
 * Database CLI, using the app's own configuration and data-source definition:
 *   node dist/database/cli.js migrate | revert | status
 *   node dist/database/cli.js backup <dir>   (online: see backup.ts and docs/operations.md)
 *   node dist/database/cli.js operator:create --username <u> --name <name>
 *   node dist/database/cli.js company:create --name <company> --admin-username <u> --admin-name <name>
 * The account commands print the new account's one-time password (it must be changed at first
 * login), or use LINLI_INITIAL_PASSWORD when set (docs/operations.md "Accounts").
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { parseArgs } from 'node:util';
import { passwordProblem } from '@linli/shared';
import { AppError } from '../common/app-error.js';
import { createCompanyWithAdmin, createOperator } from '../modules/accounts/company-setup.js';
import { backupMysql, backupSqlite } from './backup.js';
import { createDataSource, ensureDatabaseExists } from './data-source.js';

const USAGE = `usage: cli.js migrate | revert | status | backup <dir>
       cli.js operator:create --username <u> --name <name>
       cli.js company:create --name <company> --admin-username <u> --admin-name <name>`;

/** The account commands' options, or exit 2 with the usage. */
function accountOptions(command: string): Record<string, string> {
  const required = command === 'operator:create' ? ['username', 'name'] : ['name', 'admin-username', 'admin-name'];
  try {
    const { values } = parseArgs({
      args: process.argv.slice(3),
      options: Object.fromEntries(required.map((k) => [k, { type: 'string' as const }])),
      strict: true,
    });
    const missing = required.filter((k) => !(values as Record<string, string | undefined>)[k]?.trim());
    if (missing.length) throw new Error(`missing --${missing.join(', --')}`);
    return values as Record<string, string>;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const command = process.argv[2];
  const backupDir = process.argv[3];
  const accounts = ['operator:create', 'company:create'];
  if (
    ![...accounts, 'migrate', 'revert', 'status', 'backup'].includes(command ?? '') ||
    (command === 'backup' && !backupDir)
  ) {
    console.error(USAGE);
    process.exit(2);
  }
  const options = accounts.includes(command) ? accountOptions(command) : {};
  // An operator-chosen first password (still must be changed at first login); else a random one.
  const initial = process.env.LINLI_INITIAL_PASSWORD || undefined;
  if (initial) {
    const problem = passwordProblem(initial, {
      username: options.username ?? options['admin-username'],
    });
    if (problem) {
      console.error(`LINLI_INITIAL_PASSWORD is not acceptable: ${problem}`);
      process.exit(2);
    }
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
    if (accounts.includes(command)) {
      if (await ds.showMigrations()) {
        console.error('the database has pending migrations: run `cli.js migrate` first');
        process.exitCode = 1;
        return;
      }
      try {
        if (command === 'operator:create') {
          const { user, temporaryPassword } = await ds.transaction((em) =>
            createOperator(em, { username: options.username.trim(), name: options.name.trim(), password: initial }),
          );
          console.log(`operator created: id ${user.id}, username ${user.username}`);
          if (!initial) console.log(`one-time password (must be changed at first login): ${temporaryPassword}`);
        } else {
          const { company, admin, temporaryPassword } = await ds.transaction((em) =>
            createCompanyWithAdmin(em, {
              name: options.name.trim(),
              adminUsername: options['admin-username'].trim(),
              adminName: options['admin-name'].trim(),
              password: initial,
            }),
          );
          console.log(`company created: id ${company.id}, ${company.name}`);
          console.log(`admin created: id ${admin.id}, username ${admin.username}`);
          if (!initial) console.log(`one-time password (must be changed at first login): ${temporaryPassword}`);
        }
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        console.error(`${e.code}: ${e.message}`);
        process.exitCode = 1;
      }
      return;
    }
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

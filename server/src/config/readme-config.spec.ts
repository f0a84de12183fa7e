import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';

/**
 * The README's configuration table and config.ts name the same variables. The variables of
 * config.ts are read from its source (every `env.NAME` and `(env, 'NAME'` helper call) and
 * checked against what loadConfig actually reads in each mode and database set-up, so a
 * variable read some other way cannot slip past the source scan.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const README = readFileSync(path.resolve(here, '../../../README.md'), 'utf8');
const SOURCE = readFileSync(path.resolve(here, 'config.ts'), 'utf8');

/** Variable names in the first column of the "## Configuration" table; `_PORT` after `LINLI_DB_HOST` is `LINLI_DB_PORT`. */
function readmeVariables(): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const names: string[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split('|')[1];
    const cell = [...first.matchAll(/`([A-Z_][A-Z0-9_]*)`/g)].map((m) => m[1]);
    const prefix = cell[0].replace(/_[A-Z0-9]+$/, '');
    names.push(...cell.map((n) => (n.startsWith('_') ? prefix + n : n)));
  }
  return names;
}

function sourceVariables(): string[] {
  const names = new Set<string>();
  for (const m of SOURCE.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|\(\s*env,\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(m[1] ?? m[2]);
  return [...names].sort();
}

/** Every variable loadConfig looks at for this environment (reads recorded, values from `given`). */
function reads(given: Record<string, string>, argv: string[] = []): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy(given, {
    get(target, key) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.get(target, key) as unknown;
    },
  });
  loadConfig(env, argv);
  return seen;
}

describe('README configuration table', () => {
  it('lists each variable once', () => {
    const names = readmeVariables();
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('names exactly the variables config.ts reads', () => {
    expect([...readmeVariables()].sort()).toEqual(sourceVariables());
  });

  it('the source scan finds every variable loadConfig reads, in every mode and database set-up', () => {
    const production = {
      LINLI_MODE: 'production',
      LINLI_JWT_SECRET: 'x'.repeat(32),
      WECHAT_APPID: 'wx1',
      WECHAT_SECRET: 's',
      LINLI_DB_TYPE: 'mariadb',
      LINLI_DB_NAME: 'linli',
    };
    const all = new Set([
      ...reads({}),
      ...reads({}, ['--demo']),
      ...reads({ LINLI_DB_TYPE: 'mariadb' }),
      ...reads({ LINLI_DB_URL: 'mysql://root@127.0.0.1:3306/linli' }),
      ...reads(production),
    ]);
    expect([...all].sort()).toEqual(sourceVariables());
  });
});

#!/usr/bin/env node
// Size budget of the weapp main package: everything in dist/weapp except the subpackage roots
// listed in its app.json. WeChat refuses a main package over 2 MB; our budget keeps room for
// the staff side. Prints the sizes; exits 1 when over budget or when there is no build.
//
//   node scripts/check-size.mjs [--budget-kb 600] [--dir dist/weapp]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const budgetKb = Number(arg('--budget-kb', process.env.LINLI_MP_MAIN_BUDGET_KB ?? '600'));
const weapp = path.resolve(pkgDir, arg('--dir', 'dist/weapp'));
const h5 = path.join(pkgDir, 'dist/h5');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [{ path: p, size: statSync(p).size }];
  });
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const sum = (list) => list.reduce((n, f) => n + f.size, 0);

if (!existsSync(path.join(weapp, 'app.json'))) {
  console.error(
    `[size] no weapp build at ${path.relative(pkgDir, weapp)}: run pnpm --filter @linli/miniprogram build:weapp`,
  );
  process.exit(1);
}

const app = JSON.parse(readFileSync(path.join(weapp, 'app.json'), 'utf8'));
const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/+$/, ''));
const all = files(weapp);
const inRoot = (f, root) =>
  path
    .relative(weapp, f.path)
    .split(path.sep)
    .join('/')
    .startsWith(root + '/');
const main = all.filter((f) => !roots.some((r) => inRoot(f, r)));
const mainSize = sum(main);

console.log(`[size] weapp main package: ${kb(mainSize)} (budget ${budgetKb} KB, WeChat limit 2048 KB)`);
for (const f of [...main].sort((a, b) => b.size - a.size).slice(0, 6)) {
  console.log(`[size]   ${path.relative(weapp, f.path).padEnd(28)} ${kb(f.size)}`);
}
for (const root of roots)
  console.log(`[size] weapp subpackage ${root}: ${kb(sum(all.filter((f) => inRoot(f, root))))}`);
console.log(`[size] weapp total: ${kb(sum(all))}`);
if (existsSync(h5)) {
  const h5Files = files(h5).filter((f) => !f.path.endsWith('.LICENSE.txt'));
  console.log(`[size] h5 total: ${kb(sum(h5Files))} in ${h5Files.length} files`);
}

if (mainSize > budgetKb * 1024) {
  console.error(`[size] FAIL: the main package is ${kb(mainSize)}, over the ${budgetKb} KB budget`);
  process.exit(1);
}
console.log('[size] ok');

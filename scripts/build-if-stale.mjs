#!/usr/bin/env node
// Linli: build only the workspace packages whose inputs changed since their last build.
//
//   node scripts/build-if-stale.mjs            build what is stale (what `pnpm run build` does)
//   node scripts/build-if-stale.mjs --force    build every package
//   node scripts/build-if-stale.mjs --check    only say what is stale (exit 1 if anything is)
//
// A package's inputs: every file in its folder except node_modules, dist, tests (*.spec.*,
// *.test.*, test/ and __tests__/ folders) and nested workspace packages (server/console is
// its own); the lockfile, tsconfig.base.json, the Node version, NODE_ENV; and the content of
// the dist of each workspace package it depends on. After a package's `build` script succeeds,
// <package>/dist/.build-stamp.json records the hash of those inputs, a hash of its dist's
// content (what dependents hash as their input) and the size and mtime of every dist file.
// A package is stale when its inputs hash differs, the stamp is missing, or a dist file was
// added, removed or rewritten since (someone ran tsc by hand, or deleted dist). Packages
// build one at a time, dependencies first (shared before server, console, miniprogram).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const checkOnly = args.has('--check');
const STAMP = '.build-stamp.json';
const OUT = 'dist';
const ROOT_INPUTS = ['pnpm-lock.yaml', 'tsconfig.base.json'];
const SKIP_DIRS = new Set(['node_modules', OUT, 'test', '__tests__', 'coverage', 'data', '.test-results', '.swc']);
const SKIP_FILE = /\.(spec|test)\.[cm]?[jt]sx?$|\.tsbuildinfo$/;

const say = (msg) => console.log(`[build] ${msg}`);

/** Workspace packages (pnpm-workspace.yaml) that have a build script, dependencies first. */
function packages() {
  const yaml = readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? '';
  const dirs = [...block.matchAll(/^\s+-\s+['"]?([^'"\s#]+)/gm)].map((m) => m[1]);
  const byName = new Map();
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    const workspaceDeps = Object.keys(deps).filter((d) => String(deps[d]).startsWith('workspace:'));
    byName.set(pkg.name, { name: pkg.name, dir, build: pkg.scripts?.build, workspaceDeps });
  }
  const ordered = [];
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !byName.has(name)) return;
    seen.add(name);
    for (const d of byName.get(name).workspaceDeps) visit(d);
    ordered.push(byName.get(name));
  };
  for (const name of byName.keys()) visit(name);
  return { ordered: ordered.filter((p) => p.build), nested: dirs };
}

/** Files under `dir` (relative to it, sorted), skipping what `skip(rel, isDir)` refuses. */
function walk(dir, skip) {
  const out = [];
  const go = (rel) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip(r, true)) go(r);
      } else if (e.isFile() && !skip(r, false)) out.push(r);
    }
  };
  if (existsSync(dir)) go('');
  return out.sort();
}

function inputsHash(pkg, nestedDirs, stamps) {
  const h = createHash('sha256');
  h.update(`node ${process.version} NODE_ENV=${process.env.NODE_ENV ?? ''}\n`);
  for (const f of ROOT_INPUTS)
    h.update(`${f}\0`)
      .update(readFileSync(path.join(root, f)))
      .update('\0');
  const nested = nestedDirs
    .filter((d) => d !== pkg.dir && d.startsWith(`${pkg.dir}/`))
    .map((d) => d.slice(pkg.dir.length + 1));
  const pkgDir = path.join(root, pkg.dir);
  const files = walk(pkgDir, (rel, isDir) => {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (isDir) return SKIP_DIRS.has(base) || base.startsWith('.') || nested.includes(rel);
    return SKIP_FILE.test(base);
  });
  for (const f of files)
    h.update(`${f}\0`)
      .update(readFileSync(path.join(pkgDir, f)))
      .update('\0');
  for (const dep of pkg.workspaceDeps) {
    const s = stamps.get(dep);
    if (s) h.update(`dep ${dep} ${s.outputHash}\n`);
  }
  return h.digest('hex');
}

/** Cheap: names, sizes and mtimes of every file in dist (the stamp aside). */
function outputSignature(outDir) {
  const h = createHash('sha256');
  for (const f of walk(outDir, (rel) => rel === STAMP)) {
    const st = statSync(path.join(outDir, f));
    h.update(`${f} ${st.size} ${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

/** The content dependents build on: tsc's incremental state (*.tsbuildinfo) aside. */
function outputHash(outDir) {
  const h = createHash('sha256');
  for (const f of walk(outDir, (rel) => rel === STAMP || rel.endsWith('.tsbuildinfo'))) {
    h.update(`${f}\0`)
      .update(readFileSync(path.join(outDir, f)))
      .update('\0');
  }
  return h.digest('hex');
}

function readStamp(outDir) {
  try {
    return JSON.parse(readFileSync(path.join(outDir, STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/** `pnpm run build` in the package's folder, with the pnpm that runs us when there is one. */
function runBuild(pkg) {
  const execpath = process.env.npm_execpath;
  const [cmd, argv] =
    execpath && /pnpm/.test(execpath)
      ? /\.[cm]?js$/.test(execpath)
        ? [process.execPath, [execpath, 'run', 'build']]
        : [execpath, ['run', 'build']]
      : ['pnpm', ['run', 'build']];
  const res = spawnSync(cmd, argv, { cwd: path.join(root, pkg.dir), stdio: 'inherit' });
  if (res.error) throw res.error;
  return res.status === 0;
}

function main() {
  const started = Date.now();
  const { ordered, nested } = packages();
  const stamps = new Map();
  const stale = [];
  for (const pkg of ordered) {
    const outDir = path.join(root, pkg.dir, OUT);
    const inputs = inputsHash(pkg, nested, stamps);
    const stamp = readStamp(outDir);
    let why = null;
    if (force) why = '--force';
    else if (!stamp) why = 'never built (no stamp)';
    else if (stamp.inputs !== inputs) why = 'sources changed';
    else if (stamp.outputs !== outputSignature(outDir)) why = `${OUT}/ changed since its build`;
    if (!why) {
      stamps.set(pkg.name, stamp);
      continue;
    }
    stale.push(pkg.name);
    if (checkOnly) {
      say(`${pkg.name}: stale (${why})`);
      stamps.set(pkg.name, { outputHash: `stale-${inputs}` });
      continue;
    }
    say(`${pkg.name}: building (${why})`);
    const t = Date.now();
    if (!runBuild(pkg)) {
      say(`${pkg.name}: build failed`);
      process.exit(1);
    }
    const next = { inputs, outputHash: outputHash(outDir), outputs: outputSignature(outDir) };
    writeFileSync(path.join(outDir, STAMP), `${JSON.stringify(next, null, 2)}\n`);
    stamps.set(pkg.name, next);
    say(`${pkg.name}: built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const ms = Date.now() - started;
  if (!stale.length) say(`all ${ordered.length} packages up to date (checked in ${ms} ms)`);
  else if (checkOnly) process.exit(1);
  else say(`built ${stale.join(', ')} in ${(ms / 1000).toFixed(1)} s`);
}

main();

#!/usr/bin/env node
// Linli test runner: runs Jest in every workspace package that has a jest.config.mjs,
// one package at a time, and prints a closing line `N passed, N failed[, N skipped]`.
//
//   node scripts/run-tests.mjs                   all packages (SQLite unless LINLI_TEST_DB says otherwise)
//   node scripts/run-tests.mjs --db-only         only the server package (the database suites)
//   node scripts/run-tests.mjs -- <jest args>    extra arguments for every Jest run
//   node scripts/run-tests.mjs --summary-only <report.json...>
//                                                only add up existing Jest JSON reports
//
// Environment: LINLI_TEST_DB (sqlite | mariadb) is passed through to the tests and
// names the report files: .test-results/<package>-<db>.json.
//
// Exit code: 0 only if every runner exited 0 and wrote a report with no failures.
// A runner that crashes without a report counts as 1 failed test (a stand-in report
// is written so that a later --summary-only still counts it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.test-results');
const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');

/** Packages in the order they run. The server holds the database suites. */
const PACKAGES = ['shared', 'server', 'miniprogram', 'e2e'];
const DB_PACKAGES = ['server'];

/**
 * Counts from one Jest JSON report. A suite that fails to load (syntax error, missing
 * module) has no failed tests in Jest's counts, so it counts as one failure here; so
 * does a runner that failed without any failing test in its report.
 */
function countReport(report) {
  const passed = report.numPassedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  let failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  if (failed === 0 && (report.success === false || report.linliRunnerFailure)) failed = 1;
  return { passed, failed, skipped };
}

function totalLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

function readReport(file) {
  try {
    return { report: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    return { error: err.code === 'ENOENT' ? 'no report' : `unreadable report (${err.message})` };
  }
}

function add(a, b) {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

const ZERO = { passed: 0, failed: 0, skipped: 0 };

function summaryOnly(files) {
  let total = ZERO;
  if (files.length === 0) {
    console.log('[tests] --summary-only: no report files given');
    total = add(total, { passed: 0, failed: 1, skipped: 0 });
  }
  for (const file of files) {
    const { report, error } = readReport(file);
    const counts = report ? countReport(report) : { passed: 0, failed: 1, skipped: 0 };
    console.log(`[tests] ${path.relative(process.cwd(), path.resolve(file))}: ${error ?? totalLine(counts)}`);
    total = add(total, counts);
  }
  console.log(totalLine(total));
  process.exit(total.failed > 0 ? 1 : 0);
}

function runJest(pkg, outputFile, extraArgs) {
  const args = [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    jestBin,
    '--ci',
    '--json',
    `--outputFile=${outputFile}`,
    '--passWithNoTests',
    // A leaked handle (server, timer, pool) must not hang CI after the report is written;
    // Jest still prints a warning naming the problem.
    '--forceExit',
    ...extraArgs,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: path.join(root, pkg), stdio: 'inherit', env: process.env });
    child.on('error', (err) => resolve({ code: 1, reason: `could not start Jest: ${err.message}` }));
    child.on('exit', (code, signal) =>
      resolve({ code: code ?? 1, reason: signal ? `killed by ${signal}` : code ? `exit code ${code}` : null }),
    );
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const dashDash = argv.indexOf('--');
  const ownArgs = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const jestArgs = dashDash === -1 ? [] : argv.slice(dashDash + 1);

  if (ownArgs[0] === '--summary-only') return summaryOnly(ownArgs.slice(1));

  const unknown = ownArgs.filter((a) => a !== '--db-only');
  if (unknown.length > 0) {
    console.error(`[tests] unknown argument(s): ${unknown.join(' ')} (Jest arguments go after --)`);
    process.exit(2);
  }
  const dbOnly = ownArgs.includes('--db-only');
  const db = process.env.LINLI_TEST_DB || 'sqlite';
  if (!/^[a-z0-9_-]+$/i.test(db)) {
    console.error(`[tests] LINLI_TEST_DB must be a plain name like sqlite or mariadb, got "${db}"`);
    process.exit(2);
  }

  const candidates = dbOnly ? DB_PACKAGES : PACKAGES;
  const packages = candidates.filter((pkg) => existsSync(path.join(root, pkg, 'jest.config.mjs')));
  if (packages.length === 0) {
    console.error(`[tests] no package with a jest.config.mjs among: ${candidates.join(', ')}`);
    console.log(totalLine({ passed: 0, failed: 1, skipped: 0 }));
    process.exit(1);
  }

  mkdirSync(resultsDir, { recursive: true });
  const results = [];
  for (const pkg of packages) {
    const outputFile = path.join(resultsDir, `${pkg}-${db}.json`);
    rmSync(outputFile, { force: true });
    console.log(`\n[tests] ${pkg} (LINLI_TEST_DB=${db})`);
    const started = Date.now();
    const run = await runJest(pkg, outputFile, jestArgs);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const read = readReport(outputFile);
    let report = read.report;
    if (!report) {
      // No usable report: leave a stand-in so --summary-only counts the crash too.
      report = { success: false, numPassedTests: 0, numFailedTests: 0, numPendingTests: 0 };
      report.linliRunnerFailure = `${read.error}; ${run.reason ?? 'exit code 0'}`;
      writeFileSync(outputFile, JSON.stringify(report, null, 2) + '\n');
    } else if (run.code !== 0 && !report.linliRunnerFailure) {
      report.linliRunnerFailure = run.reason;
      writeFileSync(outputFile, JSON.stringify(report));
    }
    results.push({ pkg, seconds, counts: countReport(report), problem: report.linliRunnerFailure ?? null });
  }

  console.log('\n[tests] results' + (dbOnly ? ' (database suites only)' : '') + `, LINLI_TEST_DB=${db}:`);
  let total = ZERO;
  for (const r of results) {
    const note = r.problem ? `  (runner failed: ${r.problem})` : '';
    console.log(`[tests]   ${r.pkg.padEnd(12)} ${totalLine(r.counts)}  ${r.seconds}s${note}`);
    total = add(total, r.counts);
  }
  const failed = total.failed > 0 || results.some((r) => r.problem);
  console.log(totalLine(total));
  process.exit(failed ? 1 : 0);
}

await main();

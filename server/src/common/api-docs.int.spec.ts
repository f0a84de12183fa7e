import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/**
 * The served OpenAPI document, linted by Redocly CLI with its `recommended` ruleset (docs/api.md,
 * "The contract"): no error may be reported; the warnings are counted and printed.
 */

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer?: string }>;
}

interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        parameters?: unknown[];
        requestBody?: unknown;
        responses: Record<string, { content?: object; $ref?: string }>;
      }
    >
  >;
}

const require = createRequire(import.meta.url);
const REDOCLY = path.join(path.dirname(require.resolve('@redocly/cli/package.json')), 'bin', 'cli.js');

describe('the OpenAPI document', () => {
  let server: TestServer;
  let doc: Doc;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer();
    doc = (await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as Doc;
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-openapi-'));
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` with the recommended rules: 0 errors', () => {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const run = spawnSync(
      process.execPath,
      [REDOCLY, 'lint', file, '--extends=recommended', '--format=json', '--max-problems=1000', '--lint-config=off'],
      {
        encoding: 'utf8',
        cwd: dir,
        timeout: 120000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
    );
    const json = run.stdout.slice(run.stdout.indexOf('{'));
    const report = JSON.parse(json) as { problems: Problem[] };
    const bySeverity = (s: Problem['severity']) => report.problems.filter((p) => p.severity === s);
    const count = (ps: Problem[]) =>
      Object.entries(ps.reduce<Record<string, number>>((a, p) => ({ ...a, [p.ruleId]: (a[p.ruleId] ?? 0) + 1 }), {}));
    console.log(
      `[redocly lint] ${bySeverity('error').length} errors, ${bySeverity('warn').length} warnings: ${JSON.stringify(
        Object.fromEntries(count(bySeverity('warn'))),
      )}`,
    );
    expect(bySeverity('error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`)).toEqual([]);
  }, 150000);

  it('documents a success answer with its body, and 4xx answers, for every operation', () => {
    const problems: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${p}`;
        const success = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
        if (!success.length) problems.push(`${key}: no 2xx answer`);
        for (const [status, r] of success) {
          if (status !== '204' && !r.content) problems.push(`${key}: ${status} has no body schema (add @ApiView)`);
        }
        // A route that takes no token and no input cannot refuse anything (the health checks).
        const refusable = op.security?.length !== 0 || op.parameters?.length || op.requestBody;
        if (refusable && !Object.keys(op.responses).some((s) => /^4\d\d$/.test(s))) {
          problems.push(`${key}: no 4xx answer`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

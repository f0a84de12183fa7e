// The short form of the load test (e2e/load/load.mjs --short), so CI runs it: the real server on
// MariaDB (a fresh database on 127.0.0.1:3306, dropped after), a few seconds of autocannon per
// endpoint. It fails on any non-2xx answer or connection error under concurrency, not on speed
// (the machine is shared); the numbers are printed for the record. Needs server/dist.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR } from './support/browser.js';
import { assertServerBuilt } from './support/processes.js';

interface Row {
  endpoint: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

describe('load test, short form (mariadb)', () => {
  it('serves every endpoint under concurrent load with only 2xx answers', async () => {
    assertServerBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-load-short-'));
    const json = path.join(dir, 'load.json');
    try {
      let output = '';
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO_DIR, 'e2e/load/load.mjs'), '--short', '--json', json], {
          cwd: REPO_DIR,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('error', reject);
        child.on('exit', resolve);
      });
      console.log(output);
      expect(code).toBe(0);
      const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: Row[] };
      expect(results.map((r) => r.endpoint)).toEqual(['health', 'create', 'list', 'transition', 'summary']);
      for (const r of results) {
        expect({ endpoint: r.endpoint, non2xx: r.non2xx, errors: r.errors }).toEqual({
          endpoint: r.endpoint,
          non2xx: 0,
          errors: 0,
        });
        expect(r.requests).toBeGreaterThan(0);
        expect(r.p99).toBeGreaterThanOrEqual(r.p50);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

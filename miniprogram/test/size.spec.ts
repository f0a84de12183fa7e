import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

// The weapp main-package budget, on the build that `pnpm run build` (root) makes before the
// tests. Without a build there is nothing to measure: the test is skipped, and says so.
const pkgDir = path.resolve(__dirname, '..');
const built = existsSync(path.join(pkgDir, 'dist/weapp/app.json'));

(built ? describe : describe.skip)('weapp size budget (scripts/check-size.mjs)', () => {
  it('keeps the main package under budget', () => {
    const run = spawnSync(process.execPath, [path.join(pkgDir, 'scripts/check-size.mjs')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\[size\] weapp main package: [\d.]+ KB/);
    expect(run.status).toBe(0);
  });

  it('fails a build over budget', () => {
    const run = spawnSync(process.execPath, [path.join(pkgDir, 'scripts/check-size.mjs'), '--budget-kb', '1'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/over the 1 KB budget/);
  });
});

if (!built) {
  it.todo('weapp size budget: no dist/weapp build here (run pnpm --filter @linli/miniprogram build:weapp)');
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../app.js';
import { loadConfig } from '../../config/config.js';
import { freePort } from '../../testing/net.js';

/**
 * Demo mode needs no SMS keys: LINLI_SMS defaults to aliyun against the fake served by the same
 * process at /fake-sms with the demo key pair, and the worker loop (1 s) sends the code there.
 */
describe('SMS in demo mode (embedded fake provider)', () => {
  let app: INestApplication;
  let base = '';
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-sms-demo-'));
    const port = await freePort();
    const config = loadConfig({ PORT: String(port), LINLI_DATA_DIR: dir, LINLI_SEED_DEMO: 'false' }, ['--demo']);
    expect(config.notifications.sms).toBe('aliyun');
    expect(config.embedFakeSms).toBe(true);
    ({ app } = await createApp(config, { logger: ['fatal', 'error'] }));
    await app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a code asked for over the API arrives at the fake, signed with the demo keys', async () => {
    const phone = '13912345678';
    const res = await fetch(`${base}/api/sms/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, purpose: 'bind' }),
    });
    expect(res.status).toBe(202);
    let received: Array<{ phone: string; params: { code?: string } }> = [];
    for (let i = 0; i < 100 && !received.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      received = (await (await fetch(`${base}/fake-sms/fake/messages?phone=${phone}`)).json()) as typeof received;
    }
    expect(received).toHaveLength(1);
    expect(received[0].params.code).toMatch(/^\d{6}$/);
  }, 30_000);
});

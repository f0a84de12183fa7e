import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';

/**
 * Hostile request bodies (issue 17): every one is refused with 400 and a stable code before any
 * service runs, and nothing changes. The rules live in `common/body-guard.ts` (shape of the JSON)
 * and `common/validation.ts` (null for optional fields).
 */

function nested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

describe(`hostile request bodies (${TEST_DB})`, () => {
  let server: TestServer;
  let world: World;
  let resident: string;
  let desk: string;
  let orderId: number;
  let version: number;

  const countOrders = async () => Number((await server.ds.query('SELECT COUNT(*) AS n FROM work_order'))[0].n);

  beforeAll(async () => {
    server = await startTestServer();
    world = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, world.staff.deskA1);
    const created = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '厨房水管漏水', houseId: world.houseA1.id },
      { token: resident },
    );
    expect(created.status).toBe(201);
    orderId = created.body.id;
    version = created.body.version;
  });

  afterAll(async () => {
    await server?.close();
  });

  const good = () => ({ category: 'plumbing', description: '卫生间地漏堵了', houseId: world.houseA1.id });

  it('refuses deeply nested JSON with 400 before login, without stalling the server', async () => {
    const body = `{"username":${nested(20_000)},"password":"x"}`;
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        server.api.request('POST', '/auth/password', { body, headers: { 'content-type': 'application/json' } }),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.message).toMatch(/nested/);
    }
    const health = await server.api.get('/health');
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses deep nesting on an authenticated write and creates nothing', async () => {
    const before = await countOrders();
    const res = await server.api.request('POST', '/work-orders', {
      token: resident,
      body: `{"category":"plumbing","description":"x","photoIds":${nested(5000)}}`,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(await countOrders()).toBe(before);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await server.api.post(
      '/work-orders',
      { ...good(), description: 'x'.repeat(300_000) },
      { token: resident },
    );
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s like any unknown field', async (key) => {
    const before = await countOrders();
    const body = `{"category":"plumbing","description":"卫生间地漏堵了","houseId":${world.houseA1.id},"${key}":{"isAdmin":true}}`;
    const res = await server.api.request('POST', '/work-orders', { token: resident, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.details)).toContain(key);
    expect(await countOrders()).toBe(before);
  });

  it('refuses a hostile key nested inside an array item', async () => {
    const body = `{"action":"quote","version":${version},"quoteItems":[{"kind":"labour","name":"工时","quantity":1,"unitPriceFen":100,"__proto__":{"x":1}}]}`;
    const res = await server.api.request('POST', `/work-orders/${orderId}/transitions`, { token: desk, body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain('quoteItems.0.__proto__');
  });

  it.each([
    ['houseId', { houseId: null }],
    ['reporterId', { reporterId: null }],
    ['photoIds', { photoIds: null }],
    ['priority', { priority: null }],
    ['preferredTime', { preferredTime: null }],
  ])('refuses null for the optional field %s with 400, not 500', async (field, patch) => {
    const before = await countOrders();
    const res = await server.api.post('/work-orders', { ...good(), ...patch }, { token: desk });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await countOrders()).toBe(before);
  });

  it('refuses version: null with 400 (not a version conflict)', async () => {
    const res = await server.api.post(
      `/work-orders/${orderId}/transitions`,
      { action: 'cancel', version: null, reason: '不需要了' },
      { token: resident },
    );
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('version');
  });

  it.each([
    ['spaces', '   '],
    ['ideographic spaces and tabs', '\u3000\t\u3000'],
    ['newlines', '\n\n'],
  ])('refuses a description of only %s', async (_name, description) => {
    const before = await countOrders();
    const res = await server.api.post('/work-orders', { ...good(), description }, { token: resident });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('description');
    expect(await countOrders()).toBe(before);
  });

  it.each([
    ['a NUL byte', '漏水\u0000'],
    ['an escape character', '漏水\u001b[31m'],
    ['a bidi override', '漏水\u202e'],
  ])('refuses %s in text', async (_name, description) => {
    const before = await countOrders();
    const res = await server.api.post('/work-orders', { ...good(), description }, { token: resident });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('description');
    expect(await countOrders()).toBe(before);
  });

  it('keeps line breaks and tabs inside real text', async () => {
    const res = await server.api.post(
      '/work-orders',
      { ...good(), description: '卫生间地漏堵了\n\t水漫到门口' },
      { token: resident, headers: { 'idempotency-key': 'hostile-input-keeps-newlines' } },
    );
    expect(res.status).toBe(201);
  });

  it.each(['/nope', '/h5/missing.js', '/assets/missing.js', '/uploads/nope'])(
    'answers 404 outside /api as JSON: %s',
    async (p) => {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { code: string };
      expect(body.code).toBe('NOT_FOUND');
    },
  );

  it('answers 404 as JSON for an unknown method and path outside /api', async () => {
    const res = await fetch(`${server.url}/nope`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});

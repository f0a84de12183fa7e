import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, loginStaff } from './testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from './testing/test-server.js';

describe(`HTTP surface (${TEST_DB})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('reports health with the database up', async () => {
    const res = await server.api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'up' });
  });

  it('serves the OpenAPI document and Swagger UI at /api/docs', async () => {
    const doc = await server.api.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    for (const p of [
      '/api/auth/wechat',
      '/api/auth/password',
      '/api/me',
      '/api/work-orders',
      '/api/work-orders/{id}/transitions',
      '/api/uploads',
      '/api/health',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
    const ui = await fetch(`${server.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers unknown routes with the error shape and a request id', async () => {
    const res = await server.api.get('/no-such-thing', { headers: { 'X-Request-Id': 'req-test-12345' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-test-12345' });
    expect(res.headers.get('x-request-id')).toBe('req-test-12345');
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await server.api.post('/auth/password', '{"username":', {
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const huge = await server.api.post('/auth/password', { username: 'x', password: 'y'.repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('requires a bearer token on protected routes', async () => {
    const res = await server.api.get('/work-orders');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe(`API docs in production and for staff only (${TEST_DB})`, () => {
  const PROD = {
    LINLI_MODE: 'production',
    LINLI_JWT_SECRET: 'p'.repeat(40),
    WECHAT_API_BASE: 'https://api.weixin.example',
  };
  const docs = (server: TestServer, token?: string) =>
    Promise.all([
      server.api.get('/docs/openapi.json', token ? { token } : {}),
      fetch(`${server.url}/api/docs`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    ]).then(([json, ui]) => ({ json: json.status, ui: ui.status, code: json.body?.code }));

  it('serves no API docs in production by default: 404', async () => {
    const server = await startTestServer({ env: PROD });
    try {
      expect(await docs(server)).toEqual({ json: 404, ui: 404, code: 'NOT_FOUND' });
      expect((await server.api.get('/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('LINLI_API_DOCS=public in production serves them to anyone', async () => {
    const server = await startTestServer({ env: { ...PROD, LINLI_API_DOCS: 'public' } });
    try {
      expect(await docs(server)).toEqual({ json: 200, ui: 200, code: undefined });
    } finally {
      await server.close();
    }
  });

  it('LINLI_API_DOCS=staff wants an admin or supervisor bearer token', async () => {
    const server = await startTestServer({ env: { LINLI_API_DOCS: 'staff' } });
    try {
      const w = await buildWorld(server);
      expect(await docs(server)).toEqual({ json: 401, ui: 401, code: 'UNAUTHENTICATED' });
      expect(await docs(server, 'a.b.c')).toEqual({ json: 401, ui: 401, code: 'UNAUTHENTICATED' });
      for (const who of [w.staff.deskA1, w.staff.techA1]) {
        expect(await docs(server, await loginStaff(server, who))).toEqual({ json: 403, ui: 403, code: 'FORBIDDEN' });
      }
      expect(await docs(server, await loginResident(server, 'code-res-a1'))).toEqual({
        json: 403,
        ui: 403,
        code: 'FORBIDDEN',
      });
      for (const who of [w.staff.adminA, w.staff.supervisorA1]) {
        const token = await loginStaff(server, who);
        expect(await docs(server, token)).toEqual({ json: 200, ui: 200, code: undefined });
        const doc = await server.api.get('/docs/openapi.json', { token });
        expect(Object.keys(doc.body.paths)).toContain('/api/work-orders');
      }
    } finally {
      await server.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { DEMO_PASSWORD } from './demo-seed.js';

describe(`the demo's completions carry a photo (${TEST_DB})`, () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SEED_DEMO: 'true' } });
    const login = await server.api.post('/auth/password', { username: 'admin', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    token = login.body.token;
  }, 120000);
  afterAll(() => server?.close());

  it('every completed demo repair shows its after photo, and the photo loads', async () => {
    const page = await server.api.get('/work-orders?status=completed,closed&kind=repair&pageSize=20', { token });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    for (const o of page.body.items.slice(0, 5)) {
      const detail = await server.api.get(`/work-orders/${o.id}`, { token });
      const completes = detail.body.timeline.filter((e: { action: string }) => e.action === 'complete');
      expect(completes.length).toBeGreaterThan(0);
      for (const e of completes) expect(e.photos).toHaveLength(1);
    }
    const first = await server.api.get(`/work-orders/${page.body.items[0].id}`, { token });
    const photo = first.body.timeline.find((e: { action: string }) => e.action === 'complete').photos[0];
    const res = await fetch(`${server.url}${photo.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildWorld, loginResident, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { ScheduledJob } from '../jobs/job.entity.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const one = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
  const found = find(samples, name, labels);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0].value;
};

describe(`Prometheus metrics (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function scrape(s: TestServer = server): Promise<Sample[]> {
    const res = await s.api.get<string>('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(res.body);
  }

  it('serves the text format with Node process metrics', async () => {
    const samples = await scrape();
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(samples, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(one(samples, 'linli_backlog_up')).toBe(1);
  });

  it('times requests by method, route pattern and status, not by raw URL', async () => {
    const token = await loginResident(server, 'code-res-a1');
    const order = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: '指标测试 水管漏水', houseId: w.houseA1.id },
      { token },
    );
    expect(order.status).toBe(201);
    expect((await server.api.get(`/work-orders/${order.body.id}`, { token })).status).toBe(200);
    expect((await server.api.get('/work-orders/999999', { token })).status).toBe(404);
    expect((await server.api.get('/work-orders/1')).status).toBe(401);
    expect((await server.api.get('/no-such-route/42')).status).toBe(404);

    const samples = await scrape();
    const count = (labels: Record<string, string>) => one(samples, 'linli_http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/api/work-orders/:id', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/work-orders/:id', status: '404' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/work-orders/:id', status: '401' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/work-orders', status: '201' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const buckets = find(samples, 'linli_http_request_duration_seconds_bucket', {
      method: 'POST',
      route: '/api/work-orders',
    });
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(1);
    expect(one(samples, 'linli_http_request_duration_seconds_sum', { method: 'POST', status: '201' })).toBeGreaterThan(
      0,
    );
    // No label carries an id of a raw URL.
    expect(samples.filter((s) => /\d{2,}/.test(s.labels.route ?? ''))).toEqual([]);
  });

  it('shows a due job in the job lag gauges, and job failures by kind', async () => {
    const before = await scrape();
    const jobs = server.ds.getRepository(ScheduledJob);
    const dueAt = new Date(Date.now() - 10 * 60_000);
    const job = await jobs.save({
      kind: 'metrics-test',
      dueAt,
      status: 'pending',
      attempts: 0,
      workOrderId: null,
      refId: null,
      payload: null,
      lastError: null,
      doneBy: null,
      doneAt: null,
    });
    const after = await scrape();
    expect(one(after, 'linli_jobs_due')).toBe(one(before, 'linli_jobs_due') + 1);
    expect(one(after, 'linli_jobs_oldest_due_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(one(after, 'linli_jobs_oldest_due_age_seconds')).toBeLessThan(660);

    const runner = server.app.get(JobRunner);
    runner.register('metrics-test', () => Promise.reject(new Error('boom')));
    expect(await runner.runOne(job.id)).toBe(true);
    const failed = await scrape();
    expect(one(failed, 'linli_job_failures_total', { kind: 'metrics-test' })).toBe(1);
    // Backed off: no longer due.
    expect(one(failed, 'linli_jobs_due')).toBe(one(before, 'linli_jobs_due'));
    await jobs.update(job.id, { status: 'failed' });
    expect(one(await scrape(), 'linli_jobs_failed')).toBe(one(before, 'linli_jobs_failed') + 1);
  });

  it('shows the outbox backlog and the rollup lag until the worker has run', async () => {
    const token = await loginResident(server, 'code-res-a1b');
    const order = await server.api.post(
      '/work-orders',
      { category: 'electrical', description: '指标测试 灯不亮', houseId: w.houseA1b.id },
      { token },
    );
    expect(order.status).toBe(201);
    const pending = await scrape();
    expect(one(pending, 'linli_outbox_pending')).toBeGreaterThan(0);
    expect(one(pending, 'linli_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(one(pending, 'linli_rollup_dirty_partitions')).toBeGreaterThan(0);
    for (const name of ['linli_deliveries_due', 'linli_outbox_failed', 'linli_rollup_oldest_pending_age_seconds']) {
      expect(Number.isFinite(one(pending, name))).toBe(true);
    }
    const runner = server.app.get(JobRunner);
    await server.ds.getRepository(ScheduledJob).update({ kind: 'metrics-test' }, { status: 'cancelled' });
    while ((await runner.tick()) > 0);
    const drained = await scrape();
    expect(one(drained, 'linli_outbox_pending')).toBe(0);
    expect(one(drained, 'linli_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(one(drained, 'linli_rollup_dirty_partitions')).toBe(0);
    expect(one(drained, 'linli_rollup_oldest_pending_age_seconds')).toBe(0);
  });

  it('counts failed WeChat calls by operation and kind', async () => {
    server.fake.failNext('jscode2session', 'busy');
    expect((await server.api.post('/auth/wechat', { code: 'code-res-a2' })).status).toBeGreaterThanOrEqual(500);
    server.fake.failNext('jscode2session', 'bad_gateway');
    expect((await server.api.post('/auth/wechat', { code: 'code-res-a2' })).status).toBeGreaterThanOrEqual(500);
    const samples = await scrape();
    const errors = (kind: string) =>
      one(samples, 'linli_external_call_errors_total', { service: 'wechat', operation: 'code2Session', kind });
    expect(errors('busy')).toBe(1);
    expect(errors('unavailable')).toBe(1);
  });

  it('LINLI_METRICS=off answers 404; a token answers 401 without it and 200 with it', async () => {
    const off = await startTestServer({ env: { LINLI_METRICS: 'off' } });
    const secret = 'metrics-token-0123456789';
    const guarded = await startTestServer({ env: { LINLI_METRICS_TOKEN: secret } });
    try {
      expect((await off.api.get('/metrics')).status).toBe(404);
      expect((await guarded.api.get('/metrics')).status).toBe(401);
      expect((await guarded.api.get('/metrics', { token: 'metrics-token-wrong' })).status).toBe(401);
      const ok = await guarded.api.get<string>('/metrics', { token: secret });
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('linli_http_request_duration_seconds');
    } finally {
      await off.close();
      await guarded.close();
    }
  });
});

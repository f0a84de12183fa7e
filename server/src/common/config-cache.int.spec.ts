import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SLA_TARGETS } from '@linli/shared';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import { House } from '../modules/places/place.entities.js';
import { PlacesRepository } from '../modules/places/places.repository.js';

/**
 * The configuration and roster caches (LINLI_CONFIG_CACHE_MS, common/read-cache.ts,
 * staff/roster-cache.ts) with a short ttl: a
 * change made through this process's API applies at once; a change this process did not make
 * (another process, or here a row written straight into the database) applies once the ttl is
 * over, never later.
 */
const TTL_MS = 700;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`configuration cache (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let admin: string;
  let resident: string;
  const effectiveAccept = async () => {
    const res = await server.api.get(`/sla-policies/effective?communityId=${w.a1.id}&category=plumbing&priority=P2`, {
      token: admin,
    });
    expect(res.status).toBe(200);
    return res.body.acceptMinutes as number;
  };
  let n = 0;
  const report = (category: string) =>
    server.api.post(
      '/work-orders',
      { category, description: `缓存测试 ${++n}`, houseId: w.houseA1.id },
      { token: resident, headers: { 'x-forwarded-for': `10.9.0.${n}` } },
    );

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_CONFIG_CACHE_MS: String(TTL_MS) } });
    w = await buildWorld(server);
    admin = await loginStaff(server, w.staff.adminA);
    resident = await loginResident(server, 'code-res-a1');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('SLA policies: an API change applies at once, a change from elsewhere within the ttl', async () => {
    expect(await effectiveAccept()).toBe(DEFAULT_SLA_TARGETS.P2.acceptMinutes);
    // Through the API (this process): the next read sees it.
    const created = await server.api.post(
      '/sla-policies',
      { communityId: w.a1.id, category: 'plumbing', priority: 'P2', acceptMinutes: 11, resolveMinutes: 600 },
      { token: admin },
    );
    expect(created.status).toBe(201);
    expect(await effectiveAccept()).toBe(11);
    // Written where this process does not see it: the cached rows answer until the ttl is over.
    await server.ds.query('UPDATE sla_policy SET acceptMinutes = 22 WHERE id = ?', [created.body.id]);
    expect(await effectiveAccept()).toBe(11);
    await sleep(TTL_MS + 100);
    expect(await effectiveAccept()).toBe(22);
  });

  it('categories: a category added elsewhere can be reported once the ttl is over', async () => {
    expect((await report('plumbing')).status).toBe(201);
    await server.ds.query('INSERT INTO category (companyId, code, name, sortOrder) VALUES (?, ?, ?, ?)', [
      w.companyA.id,
      'gas',
      '燃气',
      99,
    ]);
    const early = await report('gas');
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('VALIDATION_FAILED');
    await sleep(TTL_MS + 100);
    expect((await report('gas')).status).toBe(201);
  });

  it('communities: a setting changed through the console applies at once, one changed elsewhere within the ttl', async () => {
    const created = await report('plumbing');
    expect(created.status).toBe(201);
    const hotline = async () =>
      (await server.api.get(`/work-orders/${created.body.id}`, { token: resident })).body.servicePhone as string | null;
    expect(await hotline()).toBeNull(); // read (and cached) with the order
    const phone = await server.api.request('PUT', `/communities/${w.a1.id}/service-phone`, {
      token: admin,
      body: { servicePhone: '0571-88886666' },
    });
    expect(phone.status).toBeLessThan(300);
    expect(await hotline()).toBe('0571-88886666');
    await server.ds.query('UPDATE community SET servicePhone = ? WHERE id = ?', ['0571-88887777', w.a1.id]);
    expect(await hotline()).toBe('0571-88886666');
    await sleep(TTL_MS + 100);
    expect(await hotline()).toBe('0571-88887777');
  });

  it('rosters: a skill changed through the console applies to routing at once, one changed elsewhere within the ttl', async () => {
    const created = await report('plumbing');
    expect(created.status).toBe(201);
    const tech = w.staff.techA1.id;
    const excludedFor = async () => {
      const res = await server.api.get(`/work-orders/${created.body.id}/routing/explain`, { token: admin });
      expect(res.status).toBe(200);
      return (
        (res.body.excluded as Array<{ userId: number; reasons: string[] }>).find((c) => c.userId === tech)?.reasons ??
        []
      );
    };
    await excludedFor(); // read (and cached) once
    const cleared = await server.api.request('PUT', `/staff/${tech}/skills`, { token: admin, body: { skills: [] } });
    expect(cleared.status).toBeLessThan(300);
    expect(await excludedFor()).toContain('no_skill');
    await server.ds.query('INSERT INTO technician_skill (userId, category, level) VALUES (?, ?, ?)', [
      tech,
      'plumbing',
      3,
    ]);
    expect(await excludedFor()).toContain('no_skill');
    await sleep(TTL_MS + 100);
    expect(await excludedFor()).not.toContain('no_skill');
  });

  it("place points: a building's coordinates set through the console apply at once, set elsewhere within the ttl", async () => {
    const places = server.app.get(PlacesRepository);
    const house = await server.ds.getRepository(House).findOneByOrFail({ id: w.houseA1.id });
    const place = { id: 1, communityId: w.a1.id, houseId: house.id, publicAreaId: null };
    const point = async () => (await places.pointsOfPlaces([place])).get(1);
    const set = await server.api.request('PUT', `/buildings/${house.buildingId}/coordinates`, {
      token: admin,
      body: { latitude: 22.5, longitude: 113.9 },
    });
    expect(set.status).toBe(200);
    expect(await point()).toEqual({ latitude: 22.5, longitude: 113.9 });
    await server.ds.query('UPDATE building SET latitude = 23.1 WHERE id = ?', [house.buildingId]);
    expect((await point())?.latitude).toBe(22.5);
    await sleep(TTL_MS + 100);
    expect((await point())?.latitude).toBe(23.1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BuildingRow, CommunityRow } from '@linli/shared';
import { buildWorld, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { Building, Community } from './place.entities.js';

/**
 * Coordinates of communities and buildings (routing distance, arrival estimates): set by the
 * company's admin on the console's 基础数据 page, both or neither, in China (docs/master-data.md).
 */
describe(`community and building coordinates (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let adminA: string;
  let adminB: string;
  let deskA: string;
  const put = (path: string, body: unknown, token: string) => server.api.request('PUT', path, { token, body });
  const fields = (res: { body: { details?: Array<{ field: string }> } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    adminA = await loginStaff(server, w.staff.adminA);
    adminB = await loginStaff(server, w.staff.adminB);
    deskA = await loginStaff(server, w.staff.deskA1);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sets, shows and clears a community’s coordinates, audited', async () => {
    const res = await put(`/communities/${w.a1.id}/coordinates`, { latitude: 22.5195, longitude: 113.9296 }, adminA);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: w.a1.id, name: w.a1.name, latitude: 22.5195, longitude: 113.9296 });
    expect(await server.ds.getRepository(Community).findOneBy({ id: w.a1.id })).toMatchObject({
      latitude: 22.5195,
      longitude: 113.9296,
    });
    const list = await server.api.get<{ items: CommunityRow[] }>('/master-data/communities', { token: adminA });
    expect(list.body.items.find((c) => c.id === w.a1.id)).toMatchObject({ latitude: 22.5195, longitude: 113.9296 });
    const audit = await server.ds
      .getRepository(AuditLog)
      .findOneByOrFail({ entityType: 'community', entityId: w.a1.id, action: 'update' });
    expect(audit.after).toEqual({ latitude: 22.5195, longitude: 113.9296 });

    const cleared = await put(`/communities/${w.a1.id}/coordinates`, { latitude: null, longitude: null }, adminA);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ latitude: null, longitude: null });
  });

  it('sets a building’s coordinates and lists the community’s buildings with them', async () => {
    const buildingId = w.houseA1.buildingId;
    const res = await put(`/buildings/${buildingId}/coordinates`, { latitude: 22.5207, longitude: 113.9311 }, adminA);
    expect(res.status).toBe(200);
    expect(await server.ds.getRepository(Building).findOneBy({ id: buildingId })).toMatchObject({
      latitude: 22.5207,
      longitude: 113.9311,
    });
    const rows = await server.api.get<BuildingRow[]>(`/master-data/buildings?communityId=${w.a1.id}`, {
      token: adminA,
    });
    expect(rows.status).toBe(200);
    expect(rows.body.find((b) => b.id === buildingId)).toEqual({
      id: buildingId,
      communityId: w.a1.id,
      name: expect.any(String),
      houses: 1,
      latitude: 22.5207,
      longitude: 113.9311,
    });
    expect(rows.body.find((b) => b.id === w.houseA1b.buildingId)).toMatchObject({ latitude: null, longitude: null });
  });

  it('refuses one coordinate alone, out of range, outside China, or missing', async () => {
    const url = `/buildings/${w.houseA1.buildingId}/coordinates`;
    const half = await put(url, { latitude: 22.5, longitude: null }, adminA);
    expect(half.status).toBe(400);
    expect(fields(half)).toEqual(['longitude']);
    const range = await put(url, { latitude: 91, longitude: 200 }, adminA);
    expect(range.status).toBe(400);
    expect(fields(range)).toEqual(['latitude', 'longitude']);
    // Paris (or a swapped pair) is not in China.
    const abroad = await put(url, { latitude: 48.8566, longitude: 2.3522 }, adminA);
    expect(abroad.status).toBe(400);
    expect(abroad.body.details[0].problems[0]).toContain('中国');
    const missing = await put(url, { latitude: 22.5 }, adminA);
    expect(missing.status).toBe(400);
    expect(fields(missing)).toEqual(['longitude']);
    // Nothing changed.
    expect(await server.ds.getRepository(Building).findOneBy({ id: w.houseA1.buildingId })).toMatchObject({
      latitude: 22.5207,
    });
  });

  it('is the admin’s of the company only', async () => {
    const body = { latitude: 22.5, longitude: 113.9 };
    expect((await put(`/buildings/${w.houseA1.buildingId}/coordinates`, body, deskA)).status).toBe(403);
    expect((await put(`/buildings/${w.houseA1.buildingId}/coordinates`, body, adminB)).status).toBe(404);
    expect((await put(`/communities/${w.a1.id}/coordinates`, body, adminB)).status).toBe(404);
    expect((await server.api.get(`/master-data/buildings?communityId=${w.a1.id}`, { token: adminB })).status).toBe(404);
  });
});

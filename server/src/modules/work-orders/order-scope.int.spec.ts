/**
 * `orderInScope` (the live notices' in-memory scope) answers exactly as the SQL scope of every
 * REST list and detail (`WorkOrdersRepository.findInScope`), over every pair of a set of scopes
 * and orders spread over statuses, assignees, creators, reporters and houses.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WORK_ORDER_STATUSES } from '@linli/shared';
import type { Actor } from '../../common/auth/actor.js';
import { buildWorld, loginResident, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { UsersRepository } from '../users/users.repository.js';
import { orderInScope } from './order-scope.js';
import { WorkOrder } from './work-order.entities.js';
import { WorkOrdersRepository, type OrderScope } from './work-orders.repository.js';
import { WorkOrdersService } from './work-orders.service.js';

describe(`orderInScope agrees with the SQL scope (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('for every scope and order', async () => {
    const residents = Object.values(w.residents);
    const staff = Object.values(w.staff);
    const techs = [w.staff.techA1, w.staff.techA1b, w.staff.techA2, w.staff.techB1];
    const houses = [w.houseA1, w.houseA1b, w.houseA2, w.houseB1];
    const tokens = await Promise.all(['code-res-a1', 'code-res-a1b'].map((c) => loginResident(server, c)));
    // Orders of both companies through the API, then spread over the columns that decide scope.
    const ids: number[] = [];
    for (const [i, house] of houses.entries()) {
      for (const k of [0, 1, 2]) {
        const token = tokens[(i + k) % 2];
        const res = await server.api.post(
          '/work-orders',
          { category: 'plumbing', description: `范围 ${i}-${k}`, houseId: house.id },
          { token },
        );
        // A resident may file only for their own houses: others are made in the database below.
        if (res.status === 201) ids.push(res.body.id);
      }
    }
    expect(ids.length).toBeGreaterThan(0);
    const repo = server.ds.getRepository(WorkOrder);
    const template = await repo.findOneByOrFail({ id: ids[0] });
    let seq = 0;
    for (const house of houses) {
      const community = house.communityId === w.b1.id ? w.b1 : house.communityId === w.a2.id ? w.a2 : w.a1;
      for (const status of WORK_ORDER_STATUSES) {
        seq += 1;
        const row = repo.create({
          ...template,
          id: undefined,
          no: `SCOPE-${seq}`,
          companyId: community.companyId,
          communityId: community.id,
          houseId: seq % 5 === 0 ? null : house.id,
          publicAreaId: null,
          status,
          reporterId: seq % 3 === 0 ? null : residents[seq % residents.length].id,
          createdById: seq % 4 === 0 ? techs[seq % techs.length].id : residents[seq % residents.length].id,
          assigneeId: seq % 2 === 0 ? techs[(seq >> 1) % techs.length].id : null,
        });
        ids.push((await repo.save(row)).id);
      }
    }
    const users = server.app.get(UsersRepository);
    const service = server.app.get(WorkOrdersService);
    const scopes: OrderScope[] = [];
    for (const u of [...residents, ...staff]) {
      const actor = (await users.loadActor(u.id)) as Actor;
      scopes.push(await service.scopeOf(actor));
    }
    scopes.push(
      { kind: 'technician', userId: w.staff.techA1.id, companyId: w.companyA.id, communityIds: [] },
      { kind: 'staff', companyId: w.companyA.id, communityIds: [] },
      { kind: 'resident', userId: w.residents.resA1.id, houseIds: [] },
    );
    const orders = await repo.findBy({});
    const sql = server.app.get(WorkOrdersRepository);
    let checked = 0;
    const disagree: string[] = [];
    for (const scope of scopes) {
      for (const o of orders) {
        const inSql = (await sql.findInScope(o.id, scope)) !== null;
        if (inSql !== orderInScope(scope, o)) disagree.push(`${JSON.stringify(scope)} order ${o.id} sql=${inSql}`);
        checked += 1;
      }
    }
    expect(disagree).toEqual([]);
    // Both answers occur for every kind of scope (the check is not vacuous).
    for (const kind of ['resident', 'technician', 'staff', 'company']) {
      const of = scopes.filter((s) => s.kind === kind);
      const seen = new Set(of.flatMap((s) => orders.map((o) => orderInScope(s, o))));
      expect([kind, [...seen].sort()]).toEqual([kind, [false, true]]);
    }
    expect(checked).toBeGreaterThan(500);
  });
});

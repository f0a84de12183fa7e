import { hash } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import { Category } from '../modules/categories/category.entity.js';
import {
  Building,
  Community,
  Company,
  House,
  HouseRegistryEntry,
  PublicArea,
  Unit,
} from '../modules/places/place.entities.js';
import { HouseBinding } from '../modules/residents/house-binding.entity.js';
import { StaffCommunity, User } from '../modules/users/user.entities.js';
import type { TestServer } from './test-server.js';

export const STAFF_PASSWORD = 'test-password-1';
let passwordHash: Promise<string> | null = null;

/** Small factories: each creates one thing with sensible defaults and returns the row. */
export class Factory {
  private n = 0;
  constructor(private readonly ds: DataSource) {}

  private next() {
    this.n += 1;
    return this.n;
  }

  company(name = `公司${this.next()}`) {
    return this.ds.getRepository(Company).save({ name });
  }

  async community(companyId: number, code = `C${this.next()}`) {
    const c = await this.ds
      .getRepository(Community)
      .save({ companyId, name: `小区${code}`, code, address: '', households: 10 });
    for (const [i, [cat, name]] of [
      ['plumbing', '水管漏水'],
      ['electrical', '电路停电'],
      ['other', '其他'],
    ].entries()) {
      await this.ds.getRepository(Category).upsert({ companyId, code: cat, name, sortOrder: i }, ['companyId', 'code']);
    }
    return c;
  }

  async house(communityId: number, registry?: { name: string; phone: string }) {
    const k = this.next();
    const building = await this.ds.getRepository(Building).save({ communityId, name: `${k}栋` });
    const unit = await this.ds.getRepository(Unit).save({ buildingId: building.id, name: '1单元' });
    const house = await this.ds
      .getRepository(House)
      .save({ communityId, buildingId: building.id, unitId: unit.id, roomNo: '101', label: `${k}栋1单元101` });
    if (registry) {
      await this.ds.getRepository(HouseRegistryEntry).save({ houseId: house.id, ...registry, relation: 'owner' });
    }
    return house;
  }

  publicArea(communityId: number, name = '地下车库') {
    return this.ds.getRepository(PublicArea).save({ communityId, name, buildingId: null });
  }

  async staff(
    role: 'technician' | 'desk' | 'supervisor' | 'admin',
    companyId: number,
    communityIds: number[],
    opts: { active?: boolean; isDemo?: boolean } = {},
  ) {
    passwordHash ??= hash(STAFF_PASSWORD);
    const k = this.next();
    const user = await this.ds.getRepository(User).save({
      role,
      companyId,
      name: `${role}${k}`,
      phone: `1370000${String(k).padStart(4, '0')}`,
      username: `${role}${k}`,
      passwordHash: await passwordHash,
      wechatOpenid: null,
      isDemo: opts.isDemo ?? false,
      active: opts.active ?? true,
    });
    for (const communityId of communityIds)
      await this.ds.getRepository(StaffCommunity).save({ userId: user.id, communityId });
    return user;
  }

  /** A resident known to the fake WeChat by `code`, optionally bound (verified) to houses. */
  async resident(
    server: TestServer,
    code: string,
    houses: Array<{
      id: number;
      status?: 'verified' | 'pending';
      relation?: 'owner' | 'tenant' | 'family';
      canApproveFees?: boolean;
    }> = [],
  ) {
    const k = this.next();
    const user = await this.ds.getRepository(User).save({
      role: 'resident',
      companyId: null,
      name: `住户${k}`,
      phone: `1390000${String(k).padStart(4, '0')}`,
      wechatOpenid: server.fake.openidFor(code),
      username: null,
      passwordHash: null,
      isDemo: false,
      active: true,
    });
    for (const h of houses) {
      await this.ds.getRepository(HouseBinding).save({
        userId: user.id,
        houseId: h.id,
        relation: h.relation ?? 'owner',
        canApproveFees: h.canApproveFees ?? false,
        status: h.status ?? 'verified',
        name: user.name,
        phone: user.phone,
        reviewedById: null,
        reviewedAt: null,
      });
    }
    return user;
  }
}

export async function loginStaff(server: TestServer, user: { username: string | null }): Promise<string> {
  const res = await server.api.post('/auth/password', { username: user.username, password: STAFF_PASSWORD });
  if (res.status !== 200) throw new Error(`staff login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

export async function loginResident(server: TestServer, code: string): Promise<string> {
  const res = await server.api.post('/auth/wechat', { code });
  if (res.status !== 200) throw new Error(`wechat login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/**
 * Two companies, the scene every access test needs:
 * company A with communities A1 and A2, company B with B1; staff of each role; residents.
 */
export async function buildWorld(server: TestServer) {
  const f = new Factory(server.ds);
  const companyA = await f.company('甲物业');
  const companyB = await f.company('乙物业');
  const a1 = await f.community(companyA.id, 'AA');
  const a2 = await f.community(companyA.id, 'AB');
  const b1 = await f.community(companyB.id, 'BA');
  const houseA1 = await f.house(a1.id, { name: '王芳', phone: '13900001111' });
  const houseA1b = await f.house(a1.id);
  const houseA2 = await f.house(a2.id);
  const houseB1 = await f.house(b1.id);
  const areaA1 = await f.publicArea(a1.id);
  const staff = {
    adminA: await f.staff('admin', companyA.id, []),
    supervisorA1: await f.staff('supervisor', companyA.id, [a1.id]),
    deskA1: await f.staff('desk', companyA.id, [a1.id]),
    deskA2: await f.staff('desk', companyA.id, [a2.id]),
    techA1: await f.staff('technician', companyA.id, [a1.id]),
    techA1b: await f.staff('technician', companyA.id, [a1.id]),
    techA2: await f.staff('technician', companyA.id, [a2.id]),
    adminB: await f.staff('admin', companyB.id, []),
    deskB1: await f.staff('desk', companyB.id, [b1.id]),
    techB1: await f.staff('technician', companyB.id, [b1.id]),
  };
  const residents = {
    resA1: await f.resident(server, 'code-res-a1', [{ id: houseA1.id }]),
    resA1b: await f.resident(server, 'code-res-a1b', [{ id: houseA1b.id }]),
    resA2: await f.resident(server, 'code-res-a2', [{ id: houseA2.id }]),
    resPending: await f.resident(server, 'code-res-pending', [{ id: houseA1.id, status: 'pending' }]),
    resB1: await f.resident(server, 'code-res-b1', [{ id: houseB1.id }]),
  };
  return {
    factory: f,
    companyA,
    companyB,
    a1,
    a2,
    b1,
    houseA1,
    houseA1b,
    houseA2,
    houseB1,
    areaA1,
    staff,
    residents,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/**
 * A platform operator (no company) with STAFF_PASSWORD and no pending password change, signed
 * in: for the route matrix and the accounts tests (docs/security.md "Accounts and tokens").
 */
export async function loginOperator(server: TestServer, username = 'platform.op'): Promise<string> {
  const { createOperator } = await import('../modules/accounts/company-setup.js');
  const { user } = await server.ds.transaction((em) =>
    createOperator(em, { username, name: '平台运营', password: STAFF_PASSWORD }),
  );
  await server.ds
    .createQueryBuilder()
    .update('user')
    .set({ mustChangePassword: false })
    .where('id = :id', { id: user.id })
    .execute();
  return loginStaff(server, { username });
}

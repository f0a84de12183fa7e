import { HouseBinding, HouseInvite } from './house-binding.entity.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

/**
 * Proven households (docs/households.md): binding needs a proven phone (WeChat's phone-number
 * button here, through the fake WeChat); the registry owner's phone verifies at once as owner,
 * anyone else waits for the house's owner (or the desk); owners invite, remove and allow fees;
 * only the owner or an allowed member approves a quote; only the reporter confirms and rates.
 * houseA1's registry owner is 王芳 / 13900001111; resA1 is a verified owner of houseA1.
 */
describe(`proven households over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let owner: string; // resA1
  let desk: string;
  let tech: string;
  let attacker: string;
  let registryOwner: string;
  let tenant: string;
  let family: string;
  let invitee: string;
  let late: string;
  let tenantBindingId: number;
  let familyBindingId: number;
  let filed = 0;

  const bind = (token: string, body: object) => server.api.post('/me/houses', body, { token });
  const household = (token: string, houseId = w.houseA1.id) =>
    server.api.get(`/me/houses/${houseId}/household`, { token });
  const act = async (token: string, id: number, body: { action: string } & Record<string, unknown>) =>
    server.api.post(`/work-orders/${id}/transitions`, await withCompletionPhoto(server, token, body), { token });
  const createOrder = async (token: string) => {
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `卫生间漏水 ${++filed}`, houseId: w.houseA1.id },
      { token },
    );
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  /** An order of houseA1 reported by `reporter`, taken to `quoted` by technician A1. */
  const quotedOrder = async (reporter: string) => {
    const id = await createOrder(reporter);
    expect((await act(desk, id, { action: 'assign', assigneeId: w.staff.techA1.id })).status).toBe(200);
    for (const action of ['accept', 'arrive']) expect((await act(tech, id, { action })).status).toBe(200);
    const quote = await act(tech, id, {
      action: 'quote',
      quoteItems: [
        { kind: 'labour', name: '更换角阀', unit: '项', quantity: 1, unitPriceFen: 8000, reason: '收费标准外' },
      ],
    });
    expect(quote.body.status).toBe('quoted');
    return id;
  };

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    owner = await loginResident(server, 'code-res-a1');
    desk = await loginStaff(server, w.staff.deskA1);
    tech = await loginStaff(server, w.staff.techA1);
    attacker = await loginResident(server, 'code-hh-attacker');
    registryOwner = await loginResident(server, 'code-hh-registry-owner');
    tenant = await loginResident(server, 'code-hh-tenant');
    family = await loginResident(server, 'code-hh-family');
    invitee = await loginResident(server, 'code-hh-invitee');
    late = await loginResident(server, 'code-hh-late');
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('phone proof', () => {
    it("the old attack, typing the owner's name and phone, verifies nothing and writes nothing", async () => {
      const before = await server.ds.getRepository(HouseBinding).count();
      const typed = await bind(attacker, {
        houseId: w.houseA1.id,
        relation: 'tenant',
        name: '王芳',
        phone: '13900001111',
      });
      expect(typed.status).toBe(400);
      expect(typed.body.code).toBe('PHONE_PROOF_REQUIRED');
      // A made-up SMS code is no proof either (refused as wrong, or SMS unavailable: never a binding).
      const guessed = await bind(attacker, {
        houseId: w.houseA1.id,
        relation: 'owner',
        name: '王芳',
        phone: '13900001111',
        smsCode: '123456',
      });
      expect([400, 503]).toContain(guessed.status);
      expect(await server.ds.getRepository(HouseBinding).count()).toBe(before);
      // With WeChat's proof of their own phone the owner's name gets them nowhere: pending.
      const own = await bind(attacker, {
        houseId: w.houseA1.id,
        relation: 'owner',
        name: '王芳',
        phoneCode: server.fake.phoneCode('13700009999'),
      });
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ status: 'pending', phoneProof: 'wechat', applicant: { phone: '13700009999' } });
      const orders = await server.api.get('/work-orders', { token: attacker });
      expect(orders.body.total).toBe(0);
    });

    it('a WeChat-proven phone of the registry owner verifies at once, as owner', async () => {
      const res = await bind(registryOwner, {
        houseId: w.houseA1.id,
        relation: 'family',
        name: '王芳',
        phoneCode: server.fake.phoneCode('13900001111'),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'verified',
        relation: 'owner',
        phoneProof: 'wechat',
        canApproveFees: true,
      });
      const mine = await household(registryOwner);
      expect(mine.status).toBe(200);
    });

    it('a phone code works once, and an unknown one is PHONE_CODE_INVALID', async () => {
      const code = server.fake.phoneCode('13700008888');
      const first = await bind(late, { houseId: w.houseA1b.id, relation: 'tenant', name: '李四', phoneCode: code });
      expect(first.status).toBe(201);
      const again = await bind(late, { houseId: w.houseA2.id, relation: 'tenant', name: '李四', phoneCode: code });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('PHONE_CODE_INVALID');
      const unknown = await bind(late, { houseId: w.houseA2.id, relation: 'tenant', name: '李四', phoneCode: 'nope' });
      expect(unknown.body.code).toBe('PHONE_CODE_INVALID');
    });

    it('WeChat busy is WECHAT_UNAVAILABLE (503) and writes nothing', async () => {
      server.fake.failNext('phone', 'busy');
      const res = await bind(late, {
        houseId: w.houseA2.id,
        relation: 'tenant',
        name: '李四',
        phoneCode: server.fake.phoneCode('13700008888'),
      });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('WECHAT_UNAVAILABLE');
      expect(await server.ds.getRepository(HouseBinding).countBy({ houseId: w.houseA2.id, phone: '13700008888' })).toBe(
        0,
      );
    });
  });

  describe("the owner's approval", () => {
    it('a proven non-owner phone is pending and sees nothing of the house', async () => {
      const res = await bind(tenant, {
        houseId: w.houseA1.id,
        relation: 'tenant',
        name: '租客甲',
        phoneCode: server.fake.phoneCode('13700001234'),
      });
      expect(res.status).toBe(201);
      expect(res.body.status).toBe('pending');
      tenantBindingId = res.body.id;
      expect((await server.api.get('/work-orders', { token: tenant })).body.total).toBe(0);
    });

    it("is on the owner's household page, masked, and only an owner may open that page", async () => {
      const page = await household(owner);
      expect(page.status).toBe(200);
      const pending = page.body.pending.find((m: { bindingId: number }) => m.bindingId === tenantBindingId);
      expect(pending).toMatchObject({ name: '租客甲', relation: 'tenant', status: 'pending', phone: '137****1234' });
      expect(page.body.members.some((m: { isMe: boolean; relation: string }) => m.isMe && m.relation === 'owner')).toBe(
        true,
      );
      // The pending tenant is no owner of the house: 404, as for a house they have nothing to do with.
      expect((await household(tenant)).status).toBe(404);
      const theirs = await server.api.post(
        `/household-members/${tenantBindingId}/review`,
        { decision: 'verified' },
        {
          token: tenant,
        },
      );
      expect(theirs.status).toBe(404);
    });

    it('the owner approves: the tenant is verified with the relation asked for and sees the orders', async () => {
      const orderId = await createOrder(owner);
      const res = await server.api.post(
        `/household-members/${tenantBindingId}/review`,
        { decision: 'verified' },
        { token: owner },
      );
      expect(res.status).toBe(200);
      expect(res.body.members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ bindingId: tenantBindingId, status: 'verified', canApproveFees: false }),
        ]),
      );
      const again = await server.api.post(
        `/household-members/${tenantBindingId}/review`,
        { decision: 'rejected' },
        { token: owner },
      );
      expect(again.status).toBe(409);
      expect((await server.api.get(`/work-orders/${orderId}`, { token: tenant })).status).toBe(200);
      // A verified tenant still manages nothing.
      expect((await household(tenant)).body.code).toBe('HOUSEHOLD_OWNER_ONLY');
      const invite = await server.api.post(
        `/me/houses/${w.houseA1.id}/invites`,
        { relation: 'family' },
        { token: tenant },
      );
      expect(invite.status).toBe(403);
      expect(invite.body.code).toBe('HOUSEHOLD_OWNER_ONLY');
    });

    it("another company's desk cannot see the request; the owner of another house cannot review it (404)", async () => {
      const pend = await bind(late, {
        houseId: w.houseA1.id,
        relation: 'family',
        name: '李四',
        phoneCode: server.fake.phoneCode('13700008888'),
      });
      expect(pend.body.status).toBe('pending');
      const a2Owner = await loginResident(server, 'code-res-a2');
      const res = await server.api.post(
        `/household-members/${pend.body.id}/review`,
        { decision: 'verified' },
        {
          token: a2Owner,
        },
      );
      expect(res.status).toBe(404);
      const rejected = await server.api.post(
        `/household-members/${pend.body.id}/review`,
        { decision: 'rejected' },
        {
          token: owner,
        },
      );
      expect(rejected.status).toBe(200);
      expect(rejected.body.pending.some((m: { bindingId: number }) => m.bindingId === pend.body.id)).toBe(false);
    });
  });

  describe('invites', () => {
    let code: string;

    it('the owner invites a family member: an 8-character code valid for 7 days', async () => {
      const res = await server.api.post(`/me/houses/${w.houseA1.id}/invites`, { relation: 'family' }, { token: owner });
      expect(res.status).toBe(201);
      expect(res.body.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);
      code = res.body.code;
      // The QR image holds the code (inviteQrText): a PNG, as a data URL the page shows.
      expect(res.body.qrPng).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(res.body.qrPng.split(',')[1], 'base64');
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.length).toBeGreaterThan(200);
      const page = await household(owner);
      expect(page.body.invites.map((i: { code: string }) => i.code)).toContain(code);
      const bad = await server.api.post(`/me/houses/${w.houseA1.id}/invites`, { relation: 'owner' }, { token: owner });
      expect(bad.status).toBe(400);
    });

    it('the invitee proves the phone and is bound with the relation, without approval', async () => {
      const noProof = await server.api.post('/house-invites/accept', { code, name: '家人乙' }, { token: family });
      expect(noProof.body.code).toBe('PHONE_PROOF_REQUIRED');
      const res = await server.api.post(
        '/house-invites/accept',
        { code: code.toLowerCase(), name: '家人乙', phoneCode: server.fake.phoneCode('13700005555') },
        { token: family },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'verified',
        relation: 'family',
        phoneProof: 'invite',
        canApproveFees: false,
      });
      familyBindingId = res.body.id;
    });

    it('an invite used twice: the second is refused', async () => {
      const res = await server.api.post(
        '/house-invites/accept',
        { code, name: '别人', phoneCode: server.fake.phoneCode('13700006666') },
        { token: invitee },
      );
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVITE_USED');
      expect(await server.ds.getRepository(HouseBinding).countBy({ userId: (await me(invitee)).id })).toBe(0);
    });

    it('an expired invite is refused; a withdrawn or unknown one is not found', async () => {
      const made = await server.api.post(
        `/me/houses/${w.houseA1.id}/invites`,
        { relation: 'tenant' },
        { token: owner },
      );
      await server.ds
        .getRepository(HouseInvite)
        .update({ id: made.body.id }, { expiresAt: new Date(Date.now() - 1000) });
      const expired = await server.api.post(
        '/house-invites/accept',
        { code: made.body.code, name: '晚到', phoneCode: server.fake.phoneCode('13700006666') },
        { token: invitee },
      );
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('INVITE_EXPIRED');

      const other = await server.api.post(
        `/me/houses/${w.houseA1.id}/invites`,
        { relation: 'tenant' },
        { token: owner },
      );
      expect((await server.api.request('DELETE', `/house-invites/${other.body.id}`, { token: tenant })).status).toBe(
        403,
      );
      const withdrawn = await server.api.request('DELETE', `/house-invites/${other.body.id}`, { token: owner });
      expect(withdrawn.status).toBe(200);
      const res = await server.api.post(
        '/house-invites/accept',
        { code: other.body.code, name: '晚到', phoneCode: server.fake.phoneCode('13700006666') },
        { token: invitee },
      );
      expect(res.status).toBe(404);
    });
  });

  describe('fees, confirmation and ratings', () => {
    it('a tenant cannot approve a fee: refused, and no approve button in the order', async () => {
      const id = await quotedOrder(tenant);
      const view = await server.api.get(`/work-orders/${id}`, { token: tenant });
      expect(view.body.actions).not.toContain('approve_quote');
      const res = await act(tenant, id, { action: 'approve_quote' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FEE_APPROVAL_NOT_ALLOWED');
      expect((await act(tenant, id, { action: 'reject_quote', reason: '太贵' })).body.code).toBe(
        'FEE_APPROVAL_NOT_ALLOWED',
      );
      // The owner can.
      expect((await server.api.get(`/work-orders/${id}`, { token: owner })).body.actions).toContain('approve_quote');
      const ok = await act(owner, id, { action: 'approve_quote' });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('in_progress');
    });

    it('a family member without 可审批费用 cannot; once the owner sets it, they can', async () => {
      const id = await quotedOrder(owner);
      const refused = await act(family, id, { action: 'approve_quote' });
      expect(refused.body.code).toBe('FEE_APPROVAL_NOT_ALLOWED');
      const flag = await server.api.request('PATCH', `/household-members/${familyBindingId}`, {
        body: { canApproveFees: true },
        token: owner,
      });
      expect(flag.status).toBe(200);
      expect(flag.body.members).toEqual(
        expect.arrayContaining([expect.objectContaining({ bindingId: familyBindingId, canApproveFees: true })]),
      );
      expect(
        (
          await server.api.request('PATCH', `/household-members/${familyBindingId}`, {
            body: { canApproveFees: true },
            token: tenant,
          })
        ).status,
      ).toBe(403);
      const ok = await act(family, id, { action: 'approve_quote' });
      expect(ok.status).toBe(200);
    });

    it("only the reporter confirms and rates; a housemate's confirm never takes the rating away", async () => {
      const id = await quotedOrder(tenant);
      await act(owner, id, { action: 'approve_quote' });
      expect((await act(tech, id, { action: 'complete', free: true })).body.status).toBe('completed');
      const seen = await server.api.get(`/work-orders/${id}`, { token: owner });
      expect(seen.body.actions).not.toContain('confirm');
      const confirm = await act(owner, id, { action: 'confirm' });
      expect(confirm.status).toBe(403);
      expect(confirm.body.code).toBe('REPORTER_ONLY');
      const byHousemate = await server.api.post(`/work-orders/${id}/rating`, { stars: 5 }, { token: owner });
      expect(byHousemate.status).toBe(403);
      const rated = await server.api.post(`/work-orders/${id}/rating`, { stars: 5 }, { token: tenant });
      expect(rated.status).toBe(201);
    });
  });

  describe('removal', () => {
    it('a removed member loses access at once', async () => {
      const orderId = await createOrder(owner);
      expect((await server.api.get(`/work-orders/${orderId}`, { token: family })).status).toBe(200);
      const self = await server.api.request('DELETE', `/household-members/${familyBindingId}`, { token: family });
      expect(self.status).toBe(404); // not their binding to manage;
      const res = await server.api.request('DELETE', `/household-members/${familyBindingId}`, { token: owner });
      expect(res.status).toBe(200);
      expect(res.body.members.some((m: { bindingId: number }) => m.bindingId === familyBindingId)).toBe(false);
      expect((await server.api.get(`/work-orders/${orderId}`, { token: family })).status).toBe(404);
      const list = await server.api.get(`/work-orders?houseId=${w.houseA1.id}`, { token: family });
      expect(list.body.items.some((o: { id: number }) => o.id === orderId)).toBe(false);
      expect((await server.api.get('/me/houses', { token: family })).body).toEqual([]);
      // An owner is not removed by another owner.
      const ownerRow = await server.ds
        .getRepository(HouseBinding)
        .findOneByOrFail({ userId: w.residents.resA1.id, houseId: w.houseA1.id });
      const other = await server.api.request('DELETE', `/household-members/${ownerRow.id}`, { token: registryOwner });
      expect(other.body.code).toBe('HOUSEHOLD_OWNER_ONLY');
    });
  });

  async function me(token: string): Promise<{ id: number }> {
    return (await server.api.get('/me', { token })).body;
  }
});

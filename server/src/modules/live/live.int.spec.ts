/**
 * The live-updates socket over a real HTTP server with real `ws` clients: authentication at
 * connect, scoping like the REST API, notices for every change the pages show, heartbeat and
 * the per-user bound. "Did not hear" is proved without waiting for silence: each socket's
 * messages arrive in commit order, so a socket that hears a later change of its own (a sentinel)
 * has already been sent everything before it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { LIVE_CLOSE, LIVE_PATH } from '@linli/shared';
import { afterCommit } from '../../common/write-batch.js';
import { transactionWithRetry } from '../../common/db-errors.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { LiveTestClient } from '../../testing/live-client.js';
import { withCompletionPhoto } from '../../testing/photos.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { User } from '../users/user.entities.js';
import { LiveGateway } from './live.gateway.js';

describe(`live updates over WebSocket (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  const tokens: Record<string, string> = {};
  const open: LiveTestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_LIVE_HEARTBEAT_MS: '300', LINLI_LIVE_MAX_SOCKETS: '2' } });
    w = await buildWorld(server);
    tokens.resA1 = await loginResident(server, 'code-res-a1');
    tokens.resA1b = await loginResident(server, 'code-res-a1b');
    tokens.resA2 = await loginResident(server, 'code-res-a2');
    tokens.deskA1 = await loginStaff(server, w.staff.deskA1);
    tokens.deskA2 = await loginStaff(server, w.staff.deskA2);
    tokens.supervisorA1 = await loginStaff(server, w.staff.supervisorA1);
    tokens.techA1 = await loginStaff(server, w.staff.techA1);
    tokens.techA1b = await loginStaff(server, w.staff.techA1b);
    tokens.techB1 = await loginStaff(server, w.staff.techB1);
    tokens.techA2 = await loginStaff(server, w.staff.techA2);
    tokens.adminA = await loginStaff(server, w.staff.adminA);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  const live = async (who: string) => {
    const c = await LiveTestClient.signedIn(server.url, tokens[who]);
    open.push(c);
    return c;
  };
  const raw = async (opts?: { autoPong?: boolean }) => {
    const c = await LiveTestClient.open(server.url, opts);
    open.push(c);
    return c;
  };
  let n = 0;
  const create = async (who: string, body: Record<string, unknown>) => {
    n += 1;
    const res = await server.api.post(
      '/work-orders',
      { category: 'plumbing', description: `实时测试 ${n}`, ...body },
      { token: tokens[who] },
    );
    if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; version: number; status: string };
  };
  const act = async (who: string, id: number, body: Record<string, unknown>) => {
    const res = await server.api.post(
      `/work-orders/${id}/transitions`,
      await withCompletionPhoto(server, tokens[who], body as { action: string }),
      { token: tokens[who] },
    );
    if (res.status !== 200) throw new Error(`${String(body.action)}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: number; version: number; status: string };
  };
  const changed = (orderId: number, status?: string) => (m: { type: string; orderId?: number; status?: string }) =>
    m.type === 'order.changed' && m.orderId === orderId && (status === undefined || m.status === status);

  describe('authentication at connect', () => {
    it('refuses a bad token with 4401 and sends nothing', async () => {
      const c = await raw();
      c.send({ type: 'auth', token: 'a.b.c' });
      expect((await c.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
      expect(c.messages).toEqual([]);
    });

    it('refuses a token signed with another secret, and an expired one', async () => {
      const foreign = new JwtService({ secret: 'another-secret-0123456789abcdef0123' }).sign(
        { sub: w.staff.deskA1.id, role: 'desk' },
        { expiresIn: 600 },
      );
      const expired = server.app.get(JwtService).sign({ sub: w.staff.deskA1.id, role: 'desk' }, { expiresIn: -10 });
      for (const token of [foreign, expired]) {
        const c = await raw();
        c.send({ type: 'auth', token });
        expect((await c.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
        expect(c.messages).toEqual([]);
      }
    });

    it('refuses a deactivated user at connect, and closes a signed-in socket once the user is deactivated', async () => {
      const users = server.ds.getRepository(User);
      const c = await live('techA1b');
      await users.update({ id: w.staff.techA1b.id }, { active: false });
      try {
        // The next heartbeat re-reads the user.
        expect((await c.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
        const again = await raw();
        again.send({ type: 'auth', token: tokens.techA1b });
        expect((await again.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
        expect(again.messages).toEqual([]);
      } finally {
        await users.update({ id: w.staff.techA1b.id }, { active: true });
      }
    });

    it("closes a technician's socket once an admin resets their password, and refuses the temporary password's token until it is changed", async () => {
      const tech = await w.factory.staff('technician', w.companyA.id, [w.a1.id]);
      const token = await loginStaff(server, tech);
      const c = await LiveTestClient.signedIn(server.url, token);
      open.push(c);
      const reset = await server.api.post(`/staff/${tech.id}/password-reset`, {}, { token: tokens.adminA });
      expect(reset.status).toBe(200);
      // The next heartbeat checks the token again: its version is gone.
      expect((await c.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
      const first = await server.api.post('/auth/password', {
        username: tech.username,
        password: reset.body.temporaryPassword,
      });
      expect(first.body.user.mustChangePassword).toBe(true);
      const pending = await raw();
      pending.send({ type: 'auth', token: first.body.token });
      expect((await pending.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
      expect(pending.messages).toEqual([]);
    });

    it('closes a socket whose first message is not auth (4401) or not a message at all (4400)', async () => {
      const ping = await raw();
      ping.send({ type: 'ping' });
      expect((await ping.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
      const junk = await raw();
      junk.send('not json');
      expect((await junk.closure()).code).toBe(LIVE_CLOSE.PROTOCOL);
      expect([...ping.messages, ...junk.messages]).toEqual([]);
    });

    it('takes the token only in a message: the upgrade URL carries none and other paths are refused', async () => {
      // A token in the query string is ignored: the socket still has to authenticate.
      const c = await LiveTestClient.open(server.url, { path: `${LIVE_PATH}?token=${tokens.deskA1}` });
      open.push(c);
      c.send({ type: 'ping' });
      expect((await c.closure()).code).toBe(LIVE_CLOSE.UNAUTHENTICATED);
      expect(c.messages).toEqual([]);
      await expect(LiveTestClient.open(server.url, { path: '/api/other' })).rejects.toThrow();
    });
  });

  describe('scoping like the REST API', () => {
    it('a resident hears their own order, never another resident’s', async () => {
      const a = await live('resA1');
      const b = await live('resA1b');
      const theirs = await create('resA1b', { houseId: w.houseA1b.id });
      const mine = await create('resA1', { houseId: w.houseA1.id });
      await a.next(changed(mine.id));
      await b.next(changed(theirs.id));
      expect(a.about(theirs.id)).toEqual([]);
      expect(b.about(mine.id)).toEqual([]);
    });

    it('staff hear their communities only, and a technician of another company hears nothing', async () => {
      const deskA1 = await live('deskA1');
      const deskA2 = await live('deskA2');
      const techB1 = await live('techB1');
      const admin = await live('adminA');
      const a1 = await create('resA1', { houseId: w.houseA1.id });
      await act('deskA1', a1.id, { action: 'assign', assigneeId: w.staff.techA1.id });
      await act('techA1', a1.id, { action: 'accept' });
      // Sentinels: a change each of the others may see, made after the A1 order's.
      const a2 = await create('resA2', { houseId: w.houseA2.id });
      const b1 = await create('techB1', { houseId: w.houseB1.id });
      await deskA1.next(changed(a1.id, 'accepted'));
      await admin.next(changed(a1.id, 'accepted'));
      await deskA2.next(changed(a2.id));
      await techB1.next(changed(b1.id));
      expect(deskA2.about(a1.id)).toEqual([]);
      expect(techB1.about(a1.id)).toEqual([]);
      expect(techB1.about(a2.id)).toEqual([]);
      expect(deskA1.about(b1.id)).toEqual([]);
      expect(admin.about(b1.id)).toEqual([]);
    });

    it('a technician hears orders assigned to them; the one it was taken from hears order.left', async () => {
      const t1 = await live('techA1');
      const t2 = await live('techA1b');
      const o = await create('resA1', { houseId: w.houseA1.id });
      await act('deskA1', o.id, { action: 'assign', assigneeId: w.staff.techA1.id });
      await t1.next(changed(o.id, 'assigned'));
      await act('techA1', o.id, { action: 'transfer', assigneeId: w.staff.techA1b.id, reason: '忙不过来' });
      await t1.next((m) => m.type === 'order.left' && m.orderId === o.id);
      await t2.next(changed(o.id, 'assigned'));
      // techA1b never saw it before the transfer.
      expect(t2.about(o.id).map((m) => m.type)).toEqual(['order.changed']);
      // order.left names no status, version or new assignee.
      expect(t1.about(o.id).at(-1)).toEqual({ type: 'order.left', orderId: o.id });
    });

    it('pooled orders reach the technicians of the community; a grab tells the others it left', async () => {
      const t1 = await live('techA1');
      const t2 = await live('techA1b');
      const o = await create('resA1', { houseId: w.houseA1.id });
      await act('deskA1', o.id, { action: 'pool' });
      await t1.next(changed(o.id, 'pooled'));
      await t2.next(changed(o.id, 'pooled'));
      const from = t2.messages.length;
      await act('techA1', o.id, { action: 'grab' });
      await t1.next(changed(o.id, 'accepted'));
      expect(await t2.next((m) => 'orderId' in m && m.orderId === o.id, { from })).toEqual({
        type: 'order.left',
        orderId: o.id,
      });
    });
  });

  describe('every change the pages show', () => {
    it('create, assignment, each transition, quote, approval and rating reach the resident with status and version', async () => {
      const res = await live('resA1');
      const sup = await live('supervisorA1');
      const o = await create('resA1', { houseId: w.houseA1.id });
      await res.next(changed(o.id));
      const steps: Array<[string, Record<string, unknown>, string]> = [
        ['deskA1', { action: 'assign', assigneeId: w.staff.techA1.id }, 'assigned'],
        ['techA1', { action: 'accept' }, 'accepted'],
        ['techA1', { action: 'depart' }, 'on_the_way'],
        ['techA1', { action: 'arrive' }, 'in_progress'],
        [
          'techA1',
          {
            action: 'quote',
            quoteItems: [
              { kind: 'labour', name: '换阀门', unit: '项', quantity: 1, unitPriceFen: 3000, reason: '标准外' },
            ],
          },
          'quoted',
        ],
        ['resA1', { action: 'approve_quote' }, 'in_progress'],
        // Within the property fee after all: a free repair, nothing to pay before the rating closes it.
        ['techA1', { action: 'complete', note: '已修好', free: true }, 'completed'],
      ];
      for (const [who, body, status] of steps) {
        const after = await act(who, o.id, body);
        const m = await res.next(changed(o.id, status), { from: res.messages.length - 1 });
        expect(m).toEqual({ type: 'order.changed', orderId: o.id, status, version: after.version });
        await sup.next(changed(o.id, status));
      }
      const rated = await server.api.post(
        `/work-orders/${o.id}/rating`,
        { stars: 5, fixed: true },
        { token: tokens.resA1 },
      );
      expect(rated.status).toBe(201);
      await sup.next(changed(o.id, 'closed'));
      await res.next(changed(o.id, 'closed'));
    });

    it('publishes after commit only: a rolled-back transaction announces nothing', async () => {
      const ran: string[] = [];
      await expect(
        transactionWithRetry(server.ds, async (em) => {
          await em.query('SELECT 1');
          afterCommit(em, () => ran.push('rolled back'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await transactionWithRetry(server.ds, async (em) => {
        await em.query('SELECT 1');
        afterCommit(em, () => ran.push('committed'));
        expect(ran).toEqual([]); // not before the commit
      });
      expect(ran).toEqual(['committed']);
      // The same in a plain TypeORM transaction, nested savepoints included.
      await expect(
        server.ds.transaction(async (em) => {
          await em.query('SELECT 1');
          afterCommit(em, () => ran.push('plain, rolled back'));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await server.ds.transaction(async (em) => {
        await em.query('SELECT 1');
        afterCommit(em, () => ran.push('plain, committed'));
        await em.transaction(async (inner) => {
          await inner.query('SELECT 1');
          afterCommit(inner, () => ran.push('savepoint, committed with the outer'));
        });
        expect(ran).toEqual(['committed']); // the savepoint's release is no commit
      });
      expect(ran).toEqual(['committed', 'plain, committed', 'savepoint, committed with the outer']);
    });
  });

  describe('heartbeat and limits', () => {
    it('answers ping with pong and closes a socket that stops answering pings', async () => {
      const c = await live('deskA1');
      c.send({ type: 'ping' });
      await c.next((m) => m.type === 'pong');
      const dead = await raw({ autoPong: false });
      dead.send({ type: 'auth', token: tokens.deskA1 });
      await dead.next((m) => m.type === 'ready');
      // No pong to the server's pings: terminated at the second heartbeat (no close frame).
      expect((await dead.closure()).code).toBe(1006);
      expect(c.closed).toBeNull();
    });

    it('keeps at most LINLI_LIVE_MAX_SOCKETS sockets per user: a new one closes the oldest', async () => {
      // A user no other test signs in, so no socket of an earlier test can be the oldest.
      const first = await live('techA2');
      const second = await live('techA2');
      const third = await live('techA2');
      expect((await first.closure()).code).toBe(LIVE_CLOSE.TOO_MANY);
      expect(second.closed).toBeNull();
      expect(third.closed).toBeNull();
      const gateway = server.app.get(LiveGateway);
      expect(gateway.signedIn).toBeGreaterThanOrEqual(2);
    });
  });
});

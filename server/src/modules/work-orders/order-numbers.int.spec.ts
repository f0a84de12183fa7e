/**
 * Order numbers under concurrency: creates racing in one community get unique numbers with no
 * gap (docs/decisions.md "Order numbers"), including when some of the racing transactions roll
 * back after taking their number (a repeated Idempotency-Key loses at its last insert).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chinaDay } from '@linli/shared';
import { WorkOrder } from './work-order.entities.js';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';

describe(`order numbers (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let tokens: string[];

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    // Four creators (each stays under the 30-a-minute create limit).
    tokens = [
      await loginResident(server, 'code-res-a1'),
      await loginResident(server, 'code-res-a1b'),
      await loginStaff(server, w.staff.deskA1),
      await loginStaff(server, w.staff.techA1),
    ];
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives racing creates in one community unique, gap-free numbers, rolled-back ones included', async () => {
    // 28 requests: under the per-address create limit of the one test client too.
    const PER_CREATOR = 7;
    const requests = tokens.flatMap((token, t) =>
      Array.from({ length: PER_CREATOR }, (_, i) => {
        // Every third request repeats the key of the one before it: one of each pair rolls back
        // (after its transaction took a number) and answers with the other's order.
        const key = `numbers-${t}-${i % 3 === 2 ? i - 1 : i}`;
        return server.api.post(
          '/work-orders',
          {
            category: 'plumbing',
            description: `并发编号 ${key}`,
            houseId: t === 1 ? w.houseA1b.id : w.houseA1.id,
          },
          { token, headers: { 'Idempotency-Key': key } },
        );
      }),
    );
    const answers = await Promise.all(requests);
    for (const res of answers) expect([200, 201]).toContain(res.status);

    const created = answers.filter((r) => r.status === 201);
    const replayed = answers.filter((r) => r.status === 200);
    const keysPerCreator = new Set(Array.from({ length: PER_CREATOR }, (_, i) => (i % 3 === 2 ? i - 1 : i))).size;
    expect(created).toHaveLength(tokens.length * keysPerCreator);
    expect(replayed).toHaveLength(tokens.length * PER_CREATOR - created.length);

    const rows = await server.ds.getRepository(WorkOrder).find({ where: { communityId: w.a1.id } });
    expect(rows).toHaveLength(created.length);
    const day = chinaDay(new Date()).replace(/-/g, '');
    const seqs = rows.map((o) => {
      const [code, d, seq] = o.no.split('-');
      expect(code).toBe('AA');
      expect(d).toBe(day);
      return Number(seq);
    });
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    // Every replay answers with an order that exists.
    const ids = new Set(rows.map((o) => o.id));
    for (const res of replayed) expect(ids.has(res.body.id)).toBe(true);
  }, 60_000);
});

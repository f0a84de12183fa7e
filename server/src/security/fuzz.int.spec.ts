import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isErrorCode, type Role } from '@linli/shared';
import { buildWorld, loginResident, loginStaff, type World } from '../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../testing/test-server.js';
import { allows, POLICY, recordIds, type ParamKind } from './route-policy.js';

/**
 * Two fuzz suites over real HTTP, seeded and bounded (docs/security.md, "Fuzzing"):
 *
 * 1. Schema-driven: walks the served OpenAPI document and sends every JSON write endpoint bodies
 *    that are wrong by construction (a required field missing, wrong types, null where the schema
 *    does not allow it, unknown fields, huge, blank and control-character strings, deep nesting,
 *    prototype keys), and every route with an `{id}` ids that are not ids, as each role. Expected:
 *    a 4xx with a code of the error catalogue, and not one row of any table changed.
 * 2. Authorization: every route with an `{id}` gets the id of a record of another house,
 *    community or company. Expected: exactly the answer of a missing id (or 403 when the role is
 *    refused first), and nothing changed. Likewise every id field of a request body (houseId,
 *    communityId, reporterId, assigneeId, ...) gets another company's record, as the most
 *    privileged role of company A the route allows: the same status and code as a missing id.
 *
 * LINLI_FUZZ_RUNS (runs per write endpoint, default 60) and LINLI_FUZZ_SEED change the budget
 * and the sequence; a failure prints the seed and the shrunk counterexample.
 */

const SEED = Number(process.env.LINLI_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.LINLI_FUZZ_RUNS ?? 60);

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  allOf?: Schema[];
  $ref?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
}
interface Operation {
  key: string; // "POST /api/work-orders/:id/transitions", as in POLICY
  method: string;
  path: string;
  body?: Schema;
}

type Token = 'anonymous' | 'resA1' | 'techA1' | 'deskA1' | 'supervisorA1' | 'adminA';
const FUZZ_ACTORS: readonly Token[] = ['anonymous', 'resA1', 'techA1', 'deskA1', 'supervisorA1', 'adminA'];
const ROLE_OF: Record<Token, Role | null> = {
  anonymous: null,
  resA1: 'resident',
  techA1: 'technician',
  deskA1: 'desk',
  supervisorA1: 'supervisor',
  adminA: 'admin',
};

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** One field of a body schema: where it is, what it is. */
interface Field {
  path: Array<string | number>;
  schema: Schema;
  required: boolean;
}

describe(`fuzz (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let schemas: Record<string, Schema>;
  let operations: Operation[];
  let tables: string[];
  const token = {} as Record<Token | 'resA1b' | 'resA2' | 'resB1' | 'techA2' | 'deskA2' | 'adminB' | 'deskB1', string>;
  const ids = {} as Record<ParamKind, number>;
  const counts = { requests: 0, bodyRuns: 0, idRuns: 0, authzCases: 0, byStatus: {} as Record<number, number> };

  const resolve = (s: Schema): Schema => {
    if (s.$ref) return resolve(schemas[s.$ref.split('/').pop()!]);
    if (s.allOf?.length) return resolve({ ...s.allOf[0], nullable: s.nullable });
    return s;
  };

  /** A plausible value for a schema: examples and defaults first. */
  const sample = (raw: Schema, depth = 0): unknown => {
    const s = resolve(raw);
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    if (s.enum?.length) return s.enum[0];
    if (s.type === 'string') return '测试';
    if (s.type === 'number' || s.type === 'integer') return Math.max(1, s.minimum ?? 1);
    if (s.type === 'boolean') return true;
    if (s.type === 'array') return s.items && depth < 4 ? [sample(s.items, depth + 1)] : [];
    if (!s.properties || depth >= 4) return s.nullable ? null : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) out[k] = sample(v, depth + 1);
    return out;
  };

  const fieldsOf = (raw: Schema, prefix: Array<string | number> = [], depth = 0): Field[] => {
    const s = resolve(raw);
    const out: Field[] = [];
    if (depth > 3) return out;
    if (s.properties) {
      for (const [k, v] of Object.entries(s.properties)) {
        const path = [...prefix, k];
        out.push({ path, schema: resolve(v), required: (s.required ?? []).includes(k) });
        out.push(...fieldsOf(v, path, depth + 1));
      }
    } else if (s.type === 'array' && s.items) {
      out.push(...fieldsOf(s.items, [...prefix, 0], depth + 1));
    }
    return out;
  };

  const tableSql = () => `SELECT ${tables.map((t, i) => `(SELECT COUNT(*) FROM ${t}) AS c${i}`).join(', ')}`;
  const rowCounts = async () => JSON.stringify(await server.ds.query(tableSql()));
  const tableHashes = async () => {
    const out: Record<string, string> = {};
    for (const t of tables) {
      const rows = await server.ds.query(`SELECT * FROM ${t}`);
      out[t] = createHash('sha1').update(JSON.stringify(rows)).digest('hex');
    }
    return out;
  };

  let ip = 0;
  async function send(method: string, url: string, who: string | null, body?: unknown) {
    ip += 1;
    counts.requests += 1;
    const res = await server.api.request(method, url, {
      token: who && who !== 'anonymous' ? token[who as keyof typeof token] : undefined,
      body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body ?? {}),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.7.${(ip >> 8) & 255}.${ip & 255}` },
    });
    counts.byStatus[res.status] = (counts.byStatus[res.status] ?? 0) + 1;
    return res;
  }

  const urlOf = (op: Operation, id: string | number) => op.path.replace(/^\/api/, '').replace('{id}', String(id));

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    token.resA1 = await loginResident(server, 'code-res-a1');
    token.resA1b = await loginResident(server, 'code-res-a1b');
    token.resA2 = await loginResident(server, 'code-res-a2');
    token.resB1 = await loginResident(server, 'code-res-b1');
    for (const name of [
      'techA1',
      'deskA1',
      'supervisorA1',
      'adminA',
      'techA2',
      'deskA2',
      'adminB',
      'deskB1',
    ] as const) {
      token[name] = await loginStaff(server, w.staff[name]);
    }
    Object.assign(ids, await recordIds(server, w, token));

    const doc = (await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    schemas = doc.components.schemas;
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        method: method.toUpperCase(),
        path,
        body: op.requestBody?.content['application/json']?.schema,
      })),
    );
    tables = server.ds.entityMetadatas
      .filter((m) => m.tableType === 'regular')
      .map((m) => m.tablePath)
      .sort();
  });

  afterAll(async () => {
    console.log(
      `[fuzz ${TEST_DB}] seed ${SEED}: ${counts.requests} requests (${counts.bodyRuns} body runs, ${counts.idRuns} id runs, ${counts.authzCases} authorization cases); statuses ${JSON.stringify(counts.byStatus)}`,
    );
    await server?.close();
  });

  it('the document lists every route of the access policy', () => {
    expect(operations.length).toBeGreaterThan(60);
    const missing = operations.map((o) => o.key).filter((k) => !(k in POLICY) && !k.startsWith('GET /api/docs'));
    expect(missing).toEqual([]);
  });

  describe('schema-driven bodies', () => {
    type Mutation = 'missing' | 'wrongType' | 'null' | 'extra' | 'huge' | 'blank' | 'control' | 'deep' | 'hostileKey';
    const MUTATIONS: Mutation[] = [
      'missing',
      'wrongType',
      'null',
      'extra',
      'huge',
      'blank',
      'control',
      'deep',
      'hostileKey',
    ];
    const WRONG: Record<string, unknown[]> = {
      string: [12345, true, {}, ['x']],
      number: ['1', true, {}, [1], 'NaN'],
      integer: ['1', true, {}, [1]],
      boolean: ['true', 1, {}, []],
      array: ['x', {}, 1, true],
      object: [true, 'x', 1],
    };
    const HOSTILE = ['__proto__', 'constructor', 'prototype'];

    const setAt = (body: unknown, path: Array<string | number>, value: unknown, remove = false): boolean => {
      let cur = body as Record<string | number, unknown>;
      for (const step of path.slice(0, -1)) {
        const next = cur?.[step];
        if (next === null || typeof next !== 'object') return false;
        cur = next as Record<string | number, unknown>;
      }
      const last = path[path.length - 1];
      if (remove) delete cur[last];
      else cur[last] = value;
      return true;
    };
    const objectAt = (body: unknown, path: Array<string | number>): Record<string, unknown> | null => {
      let cur = body;
      for (const step of path) cur = (cur as Record<string | number, unknown> | null)?.[step];
      return cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : null;
    };

    /** The body with one thing wrong, or null when the mutation does not apply to this field. */
    function mutate(base: unknown, field: Field | undefined, m: Mutation, variant: number): unknown {
      const body = structuredClone(base) as Record<string, unknown>;
      const type = field?.schema.type ?? (field?.schema.properties ? 'object' : undefined);
      switch (m) {
        case 'missing':
          return field?.required && setAt(body, field.path, undefined, true) ? body : null;
        case 'wrongType': {
          const wrong = type ? WRONG[type] : undefined;
          if (!field || !wrong || field.schema.enum) return null;
          return setAt(body, field.path, wrong[variant % wrong.length]) ? body : null;
        }
        case 'null':
          return field && !field.schema.nullable && setAt(body, field.path, null) ? body : null;
        case 'extra': {
          const target = field && type === 'object' ? objectAt(body, field.path) : body;
          if (!target) return null;
          target[`zz${variant}`] = variant;
          return body;
        }
        case 'huge': {
          if (!field) return null;
          const value =
            type === 'string'
              ? 'x'.repeat(100_000)
              : type === 'array'
                ? Array.from({ length: 2_000 }, () => (field.schema.items ? sample(field.schema.items) : 1))
                : type === 'number' || type === 'integer'
                  ? [1e17, -1e17, 2 ** 63][variant % 3]
                  : null;
          return value !== null && setAt(body, field.path, value) ? body : null;
        }
        case 'blank':
          return field && type === 'string' && setAt(body, field.path, ['   ', '\u3000', '\t\n'][variant % 3])
            ? body
            : null;
        case 'control':
          return field &&
            type === 'string' &&
            setAt(body, field.path, ['a\u0000b', '\u001b[2J', 'x\u202ey', '\u007f'][variant % 4])
            ? body
            : null;
        case 'deep':
          return setAt(body, field?.path ?? ['zzDeep'], nested(40 + variant)) ? body : null;
        case 'hostileKey': {
          const target = field && type === 'object' ? objectAt(body, field.path) : body;
          if (!target) return null;
          Object.defineProperty(target, HOSTILE[variant % 3], {
            value: { polluted: true },
            enumerable: true,
            configurable: true,
            writable: true,
          });
          return body;
        }
      }
    }

    it('every JSON write endpoint refuses wrong bodies with a 4xx and a catalogue code, changing nothing', async () => {
      const targets = operations.filter((o) => o.method !== 'GET' && o.body);
      expect(targets.length).toBeGreaterThan(25);
      const before = await tableHashes();
      for (const op of targets) {
        const base = sample(op.body!);
        const fields = fieldsOf(op.body!);
        const rule = POLICY[op.key];
        const id = ids[rule.id ?? 'missing'];
        // Mostly roles that pass authorization (so the body is what gets judged), sometimes any.
        const allowed = FUZZ_ACTORS.filter((t) => ROLE_OF[t] !== null && allows(rule, ROLE_OF[t]));
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom(...(allowed.length ? allowed : FUZZ_ACTORS)) },
              { weight: 1, arbitrary: fc.constantFrom(...FUZZ_ACTORS) },
            ),
            fc.constantFrom(...MUTATIONS),
            fc.integer({ min: -1, max: fields.length - 1 }),
            fc.nat(11),
            async (who, m, fieldIndex, variant) => {
              const body = mutate(base, fieldIndex < 0 ? undefined : fields[fieldIndex], m, variant);
              fc.pre(body !== null);
              counts.bodyRuns += 1;
              const rows = await rowCounts();
              const res = await send(op.method, urlOf(op, id), who, body);
              const where = `${op.key} as ${who}, ${m} ${fieldIndex < 0 ? 'body' : fields[fieldIndex].path.join('.')}`;
              expect(`${where}: ${res.status}`).toMatch(/: 4\d\d$/);
              expect(isErrorCode((res.body as { code?: unknown })?.code)).toBe(true);
              expect(`${where}: ${await rowCounts()}`).toBe(`${where}: ${rows}`);
            },
          ),
          { seed: SEED, numRuns: RUNS },
        );
      }
      expect(await tableHashes()).toEqual(before);
    }, 240_000);

    it('every route with an id refuses ids that are not ids, changing nothing', async () => {
      const targets = operations.filter((o) => o.path.includes('{id}'));
      const before = await tableHashes();
      const junk = ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%20', '0x10', '%00', '1;DROP'];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...targets),
          fc.constantFrom(...junk),
          fc.constantFrom(...FUZZ_ACTORS),
          async (op, bad, who) => {
            counts.idRuns += 1;
            const res = await send(op.method, urlOf(op, bad), who, {});
            expect(`${op.key} id=${bad} as ${who}: ${res.status}`).toMatch(/: 4\d\d$/);
            expect(isErrorCode((res.body as { code?: unknown })?.code)).toBe(true);
          },
        ),
        { seed: SEED, numRuns: Math.max(60, RUNS * 6) },
      );
      expect(await tableHashes()).toEqual(before);
    }, 120_000);
  });

  describe('authorization', () => {
    /** Who is outside the scope of company A's a1 records (house A1, community a1, company A). */
    const FOREIGN = [
      { who: 'resA1b', role: 'resident' }, // another house of community a1
      { who: 'resA2', role: 'resident' }, // another community
      { who: 'resB1', role: 'resident' }, // another company
      { who: 'techA2', role: 'technician' },
      { who: 'deskA2', role: 'desk' },
      { who: 'adminB', role: 'admin' },
      { who: 'deskB1', role: 'desk' },
    ] as const satisfies ReadonlyArray<{ who: keyof typeof token; role: Role }>;
    /**
     * Records some outsiders may legitimately read: any resident browses communities and their
     * buildings to find a house to bind (places.controller.ts); staff of one company see their
     * colleagues and the company's places; residents of a community answer its surveys.
     */
    const OPEN_TO: Partial<Record<ParamKind, ReadonlyArray<(typeof FOREIGN)[number]['who']>>> = {
      community: ['resA1b', 'resA2', 'resB1', 'techA2', 'deskA2'],
      building: ['resA1b', 'resA2', 'resB1', 'techA2', 'deskA2'],
      staff: ['techA2', 'deskA2'],
      survey: ['resA1b'],
    };

    it('a record of another house, community or company answers exactly as a missing id, for every route and outsider', async () => {
      const routes = Object.keys(POLICY).filter((r) => {
        const kind = POLICY[r].id;
        return kind !== undefined && kind !== 'missing' && POLICY[r].roles !== 'public';
      });
      const cases = routes.flatMap((route) =>
        FOREIGN.filter((f) => !(OPEN_TO[POLICY[route].id!] ?? []).includes(f.who)).map((f) => ({ route, ...f })),
      );
      expect(cases.length).toBeGreaterThan(60);
      const before = await tableHashes();
      const strip = (b: unknown) => ({ ...(b as object), requestId: undefined });
      const wrong: string[] = [];
      for (const { route, who, role } of cases) {
        counts.authzCases += 1;
        const rule = POLICY[route];
        const [method, pattern] = route.split(' ');
        const url = (id: number) => pattern.replace(/^\/api/, '').replace(':id', String(id));
        const body = rule.xBody?.(w) ?? {};
        const foreign = await send(method, url(ids[rule.id!]), who, body);
        const got = `${foreign.status} ${JSON.stringify(strip(foreign.body))}`;
        let want = '403';
        if (allows(rule, role)) {
          const missing = await send(method, url(ids.missing), who, body);
          want = `${missing.status} ${JSON.stringify(strip(missing.body))}`;
          if (missing.status < 400) want = '4xx';
        } else if (foreign.status === 403) continue;
        if (got !== want) wrong.push(`${route} as ${who}: got ${got.slice(0, 160)}, want ${want.slice(0, 160)}`);
      }
      expect(wrong).toEqual([]);
      expect(await tableHashes()).toEqual(before);
    }, 120_000);

    /** What another company's record is, for an id field of a request body (by the field's name). */
    const FOREIGN_BODY_ID: Record<string, (w: World) => number> = {
      houseId: (w) => w.houseB1.id,
      communityId: (w) => w.b1.id,
      communityIds: (w) => w.b1.id,
      reporterId: (w) => w.residents.resB1.id,
      aboutUserId: (w) => w.staff.techB1.id,
      assigneeId: (w) => w.staff.techB1.id,
      technicianId: (w) => w.staff.techB1.id,
      supervisorId: (w) => w.staff.deskB1.id,
      memberIds: (w) => w.staff.techB1.id,
    };
    const INSIDERS: readonly Token[] = ['adminA', 'supervisorA1', 'deskA1', 'techA1', 'resA1'];
    const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    /** What the schema sample cannot know: codes, dates and the other ids a valid body needs. */
    const validBody = async (key: string, field: string): Promise<object> => {
      const common = { category: 'plumbing', startsAt: soon(0), endsAt: soon(7) };
      switch (key) {
        case 'POST /api/work-orders':
          return {
            ...common,
            ...(field === 'aboutUserId' ? { kind: 'complaint' } : {}),
            description: '越权测试',
            houseId: w.houseA1.id,
            reporterId: w.residents.resA1.id,
          };
        case 'POST /api/work-orders/:id/transitions': {
          const order = await send('GET', `/work-orders/${ids.order}`, 'adminA');
          return { action: 'assign', version: order.body.version, reason: '越权测试' };
        }
        case 'POST /api/teams':
          return { name: '越权测试班组', supervisorId: w.staff.supervisorA1.id, memberIds: [w.staff.techA1.id] };
        default:
          return common;
      }
    };

    it("an id of another company's record in a request body answers exactly as a missing id, changing nothing", async () => {
      const cases = operations.flatMap((op) => {
        const rule = POLICY[op.key];
        if (!op.body || !rule || rule.roles === 'public' || rule.id === 'missing') return [];
        // A resident may apply to bind a house of any company (residents browse them all).
        if (op.key === 'POST /api/me/houses') return [];
        if (op.path.includes('{id}') && rule.id === undefined) return [];
        const who = INSIDERS.find((t) => allows(rule, ROLE_OF[t]!));
        if (!who) return [];
        const body = resolve(op.body);
        return Object.keys(body.properties ?? {})
          .filter((field) => FOREIGN_BODY_ID[field])
          .map((field) => ({ op, who, field, many: resolve(body.properties![field]).type === 'array' }));
      });
      expect(cases.length).toBeGreaterThan(10);
      const before = await tableHashes();
      const wrong: string[] = [];
      for (const { op, who, field, many } of cases) {
        counts.authzCases += 1;
        const url = urlOf(op, op.path.includes('{id}') ? ids[POLICY[op.key].id!] : '');
        // A valid body, so that the id is what gets judged.
        const schema = resolve(op.body!);
        const props = schema.properties ?? {};
        const required = Object.fromEntries(
          Object.entries(sample(op.body!) as object).filter(([k]) => (schema.required ?? []).includes(k)),
        );
        const known = Object.entries(await validBody(op.key, field)).filter(([k]) => k in props);
        const base: Record<string, unknown> = { ...required, ...Object.fromEntries(known) };
        const withId = (id: number) => ({ ...base, [field]: many ? [id] : id });
        const foreign = await send(op.method, url, who, withId(FOREIGN_BODY_ID[field](w)));
        const missing = await send(op.method, url, who, withId(ids.missing));
        const got = `${foreign.status} ${foreign.body?.code}`;
        const want = `${missing.status} ${missing.body?.code}`;
        if (got !== want || foreign.status < 400)
          wrong.push(`${op.key} ${field} as ${who}: got ${got}, missing id ${want}`);
      }
      expect(wrong).toEqual([]);
      expect(await tableHashes()).toEqual(before);
    }, 120_000);
  });
});

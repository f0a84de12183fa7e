import { deflateSync } from 'node:zlib';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Upload } from './upload.entity.js';

// ---- Image bytes built here, so the tests depend on no fixture file. ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A valid RGB PNG of width x height pixels. `claim` overrides the size written in IHDR
 * (the pixel data stays that of width x height); `padding` adds a tEXt chunk of that many bytes.
 */
function png(width: number, height: number, opts: { claim?: [number, number]; padding?: number } = {}): Buffer {
  const [w, h] = opts.claim ?? [width, height];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([(x * 80) & 0xff, (y * 80) & 0xff, 0x40], 1 + x * 3);
    rows.push(row);
  }
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr)];
  if (opts.padding)
    parts.push(chunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(opts.padding, 0x61)])));
  parts.push(chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A 2x2 grey baseline JFIF JPEG (331 bytes). */
const JPEG_2X2 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAACAAIBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q==',
  'base64',
);

function form(data: Buffer | string, name: string, type: string, field = 'file'): FormData {
  const fd = new FormData();
  fd.append(field, new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type }), name);
  return fd;
}

describe(`uploads over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let resident: string;
  let otherResident: string;
  let desk: string;

  const upload = (token: string | undefined, body: FormData) =>
    server.api.post('/uploads', body, token ? { token } : {});
  const content = (url: string, headers: Record<string, string> = {}) => fetch(`${server.url}${url}`, { headers });

  beforeAll(async () => {
    server = await startTestServer();
    w = await buildWorld(server);
    resident = await loginResident(server, 'code-res-a1');
    otherResident = await loginResident(server, 'code-res-a1b');
    desk = await loginStaff(server, w.staff.deskA1);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('storing photos', () => {
    let pngView: { id: number; url: string; mime: string };
    const PNG_3X2 = png(3, 2);

    it('takes a PNG and answers its id, type, size and a signed url', async () => {
      const res = await upload(resident, form(PNG_3X2, 'leak.png', 'image/png'));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        mime: 'image/png',
        size: PNG_3X2.length,
        width: 3,
        height: 2,
        url: expect.stringMatching(new RegExp(`^/api/uploads/${res.body.id}/content\\?exp=\\d+&sig=[\\w-]+$`)),
      });
      pngView = res.body;
    });

    it('serves the same bytes at the signed url without a token', async () => {
      const res = await content(pngView.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG_3X2)).toBe(true);
    });

    it('takes a JPEG and serves it back as image/jpeg', async () => {
      const res = await upload(resident, form(JPEG_2X2, 'photo.jpg', 'image/jpeg'));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ mime: 'image/jpeg', size: JPEG_2X2.length, width: 2, height: 2 });
      const got = await content(res.body.url);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await got.arrayBuffer()).equals(JPEG_2X2)).toBe(true);
    });

    it('decides the type by the bytes, not by the name or the claimed type', async () => {
      const res = await upload(resident, form(JPEG_2X2, 'photo.png', 'application/octet-stream'));
      expect(res.status).toBe(201);
      expect(res.body.mime).toBe('image/jpeg');
    });

    it('keeps two uploads of the same bytes by two people apart', async () => {
      const mine = await upload(resident, form(PNG_3X2, 'a.png', 'image/png'));
      const theirs = await upload(otherResident, form(PNG_3X2, 'b.png', 'image/png'));
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
      for (const v of [mine.body, theirs.body]) {
        const got = await content(v.url);
        expect(got.status).toBe(200);
        expect(Buffer.from(await got.arrayBuffer()).equals(PNG_3X2)).toBe(true);
      }
    });

    it('takes the same photo sent several times at once (a double tap, a forwarded picture)', async () => {
      const same = png(6, 6);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          upload(i % 2 ? otherResident : resident, form(same, `same${i}.png`, 'image/png')),
        ),
      );
      expect(results.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.body?.code}`))).toEqual([
        201, 201, 201, 201, 201, 201,
      ]);
      for (const r of results) {
        const got = await content(r.body.url);
        expect(got.status).toBe(200);
        expect(Buffer.from(await got.arrayBuffer()).equals(same)).toBe(true);
      }
    });

    it('describes an upload to its owner only', async () => {
      const mine = await server.api.get(`/uploads/${pngView.id}`, { token: resident });
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: pngView.id, mime: 'image/png', width: 3, height: 2 });
      for (const token of [otherResident, desk]) {
        const other = await server.api.get(`/uploads/${pngView.id}`, { token });
        expect(other.status).toBe(404);
        expect(other.body.code).toBe('NOT_FOUND');
      }
      expect((await server.api.get('/uploads/999999', { token: resident })).status).toBe(404);
    });
  });

  describe('signed urls', () => {
    let view: { id: number; url: string };

    beforeAll(async () => {
      view = (await upload(resident, form(png(2, 2), 'x.png', 'image/png'))).body;
    });

    const parts = () => {
      const u = new URL(view.url, server.url);
      return { path: u.pathname, exp: u.searchParams.get('exp')!, sig: u.searchParams.get('sig')! };
    };

    it('refuses a tampered signature with 404', async () => {
      const { path, exp, sig } = parts();
      const i = Math.floor(sig.length / 2);
      const tampered = `${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
      for (const query of [
        `exp=${exp}&sig=${tampered}`,
        `exp=${exp}&sig=${sig.slice(0, -1)}`,
        `exp=${exp}&sig=`,
        `exp=${exp}`,
        `sig=${sig}`,
      ]) {
        const res = await content(`${path}?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 404 });
        expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
      }
    });

    it('refuses the signature of one upload on another, and a later expiry under the old signature', async () => {
      const { exp, sig } = parts();
      const res = await content(`/api/uploads/${view.id - 1}/content?exp=${exp}&sig=${sig}`);
      expect(res.status).toBe(404);
      const later = await content(`/api/uploads/${view.id}/content?exp=${Number(exp) + 1000}&sig=${sig}`);
      expect(later.status).toBe(404);
    });

    it('refuses an expired url', async () => {
      const { sig } = parts();
      const res = await content(`/api/uploads/${view.id}/content?exp=1000&sig=${sig}`);
      expect(res.status).toBe(404);
    });

    it('does not accept a bearer token in place of a signature', async () => {
      const res = await content(`/api/uploads/${view.id}/content`, { authorization: `Bearer ${resident}` });
      expect(res.status).toBe(404);
    });
  });

  describe('refusing bad files', () => {
    const countUploads = () => server.ds.getRepository(Upload).count();

    it('refuses a text file named photo.jpg sent as image/jpeg: 415', async () => {
      const before = await countUploads();
      const res = await upload(resident, form('这不是图片 just some text\n', 'photo.jpg', 'image/jpeg'));
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await countUploads()).toBe(before);
    });

    it('refuses other real file types: GIF, PDF, SVG', async () => {
      const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>';
      for (const [data, name, type] of [
        [gif, 'a.gif', 'image/gif'],
        [pdf, 'a.pdf', 'image/png'],
        [svg, 'a.svg', 'image/svg+xml'],
      ] as const) {
        const res = await upload(resident, form(data, name, type));
        expect({ name, status: res.status, code: res.body.code }).toEqual({
          name,
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        });
      }
    });

    it('refuses a PNG signature followed by junk: 415', async () => {
      const res = await upload(
        resident,
        form(Buffer.concat([PNG_SIGNATURE, Buffer.from('not really a png at all')]), 'x.png', 'image/png'),
      );
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a small PNG whose header claims 100000x100000 pixels: 413', async () => {
      const before = await countUploads();
      const bomb = png(2, 2, { claim: [100000, 100000] });
      expect(bomb.length).toBeLessThan(200);
      const res = await upload(resident, form(bomb, 'bomb.png', 'image/png'));
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countUploads()).toBe(before);
    });

    it('refuses a request without a file: 400', async () => {
      const empty = new FormData();
      empty.append('note', 'no photo here');
      const res = await upload(resident, empty);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'file', problems: expect.any(Array) }]);
      const json = await server.api.post('/uploads', {}, { token: resident });
      expect(json.status).toBe(400);
      expect(json.body.code).toBe('VALIDATION_FAILED');
      const emptyFile = await upload(resident, form(Buffer.alloc(0), 'empty.png', 'image/png'));
      expect(emptyFile.status).toBe(400);
    });

    it('refuses a file under another field name, and two files: 400', async () => {
      const wrongField = await upload(resident, form(png(2, 2), 'x.png', 'image/png', 'photo'));
      expect(wrongField.status).toBe(400);
      expect(wrongField.body.code).toBe('VALIDATION_FAILED');
      const two = form(png(2, 2), 'x.png', 'image/png');
      two.append('file', new Blob([new Uint8Array(png(2, 2))], { type: 'image/png' }), 'y.png');
      const res = await upload(resident, two);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('refuses an unauthenticated upload: 401, and stores nothing', async () => {
      const before = await countUploads();
      const res = await upload(undefined, form(png(2, 2), 'x.png', 'image/png'));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      const forged = await upload('a.b.c', form(png(2, 2), 'x.png', 'image/png'));
      expect(forged.status).toBe(401);
      expect(await countUploads()).toBe(before);
    });
  });

  describe('a small size limit', () => {
    let small: TestServer;
    let token: string;

    beforeAll(async () => {
      small = await startTestServer({ env: { LINLI_UPLOAD_MAX_BYTES: '2048' } });
      const world = await buildWorld(small);
      token = await loginResident(small, 'code-res-a1');
      expect(world.residents.resA1.id).toBeGreaterThan(0);
    });

    afterAll(async () => {
      await small?.close();
    });

    it('refuses a 4 KB photo with 413 PAYLOAD_TOO_LARGE', async () => {
      const big = png(2, 2, { padding: 4096 });
      expect(big.length).toBeGreaterThan(4096);
      const res = await small.api.post('/uploads', form(big, 'big.png', 'image/png'), { token });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await small.ds.getRepository(Upload).count()).toBe(0);
    });

    it('still takes a photo under the limit', async () => {
      const ok = png(2, 2, { padding: 1500 });
      expect(ok.length).toBeLessThan(2048);
      const res = await small.api.post('/uploads', form(ok, 'ok.png', 'image/png'), { token });
      expect(res.status).toBe(201);
      expect(res.body.size).toBe(ok.length);
    });
  });

  describe('photos on work orders', () => {
    const order = (token: string, photoIds: unknown) =>
      server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '带照片报修', houseId: w.houseA1.id, photoIds },
        { token },
      );

    it("refuses someone else's upload id in photoIds: 400 VALIDATION_FAILED", async () => {
      const theirs = await upload(otherResident, form(png(2, 3), 'theirs.png', 'image/png'));
      const mine = await upload(resident, form(png(3, 3), 'mine.png', 'image/png'));
      const before = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
      for (const ids of [[theirs.body.id], [mine.body.id, theirs.body.id], [999999]]) {
        const res = await order(resident, ids);
        expect({ ids, status: res.status, code: res.body.code }).toEqual({
          ids,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['photoIds']);
      }
      const desks = await order(desk, [mine.body.id]);
      expect(desks.status).toBe(400);
      const after = await server.ds.query('SELECT COUNT(*) AS n FROM work_order');
      expect(Number(after[0].n)).toBe(Number(before[0].n));
    });

    it('validates the shape of photoIds', async () => {
      const res = await order(resident, ['1', 0, 1.5]);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('photoIds');
      const tooMany = await order(
        resident,
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      expect(tooMany.status).toBe(400);
    });

    it("takes the resident's own uploads and shows them on the order, to the desk too", async () => {
      const a = await upload(resident, form(png(4, 4), 'a.png', 'image/png'));
      const b = await upload(resident, form(JPEG_2X2, 'b.jpg', 'image/jpeg'));
      const res = await order(resident, [a.body.id, b.body.id]);
      expect(res.status).toBe(201);
      expect(res.body.photoIds).toEqual([a.body.id, b.body.id]);
      expect(res.body.timeline[0].photoIds).toEqual([a.body.id, b.body.id]);
      const seen = await server.api.get(`/work-orders/${res.body.id}`, { token: desk });
      expect(seen.body.photoIds).toEqual([a.body.id, b.body.id]);
      const again = await server.api.get(`/work-orders/${res.body.id}`, { token: resident });
      expect(again.body.photoIds).toEqual([a.body.id, b.body.id]);
    });

    it("lets the technician attach their own photos to a transition, not the resident's", async () => {
      const tech = await loginStaff(server, w.staff.techA1);
      const created = await order(resident, []);
      expect(created.status).toBe(201);
      await server.api.post(
        `/work-orders/${created.body.id}/transitions`,
        { action: 'assign', assigneeId: w.staff.techA1.id },
        { token: desk },
      );
      const residentsPhoto = await upload(resident, form(png(2, 2), 'r.png', 'image/png'));
      const techsPhoto = await upload(tech, form(png(5, 5), 't.png', 'image/png'));
      const refused = await server.api.post(
        `/work-orders/${created.body.id}/transitions`,
        { action: 'accept', photoIds: [residentsPhoto.body.id] },
        { token: tech },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.details[0].field).toBe('photoIds');
      const accepted = await server.api.post(
        `/work-orders/${created.body.id}/transitions`,
        { action: 'accept', photoIds: [techsPhoto.body.id] },
        { token: tech },
      );
      expect(accepted.status).toBe(200);
      expect(accepted.body.timeline.at(-1)).toMatchObject({ action: 'accept', photoIds: [techsPhoto.body.id] });
    });
  });
});

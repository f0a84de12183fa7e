import { deflateSync } from 'node:zlib';
import { buildWorld, loginResident, loginStaff, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { Clock } from '../../common/clock.js';
import { User } from '../users/user.entities.js';
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
        url: expect.stringMatching(
          new RegExp(`^/api/uploads/${res.body.id}/content\\?v=${w.residents.resA1.id}&o=0&exp=\\d+&sig=[\\w-]+$`),
        ),
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
      const who = `v=${u.searchParams.get('v')!}&o=${u.searchParams.get('o')!}`;
      return { path: u.pathname, who, exp: u.searchParams.get('exp')!, sig: u.searchParams.get('sig')! };
    };

    it('serves the untouched url (control for the refusals below)', async () => {
      expect((await content(view.url)).status).toBe(200);
      const { path, who, exp, sig } = parts();
      expect((await content(`${path}?${who}&exp=${exp}&sig=${sig}`)).status).toBe(200);
    });

    it('refuses a tampered signature with 404', async () => {
      const { path, who, exp, sig } = parts();
      const i = Math.floor(sig.length / 2);
      const tampered = `${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
      for (const query of [
        `${who}&exp=${exp}&sig=${tampered}`,
        `${who}&exp=${exp}&sig=${sig.slice(0, -1)}`,
        `${who}&exp=${exp}&sig=`,
        `${who}&exp=${exp}`,
        `${who}&sig=${sig}`,
        `exp=${exp}&sig=${sig}`,
        `${who}&exp=${exp}&sig=${sig}&sig=${sig}`,
      ]) {
        const res = await content(`${path}?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 404 });
        expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
      }
    });

    it('refuses the signature of one upload on another, and a later expiry under the old signature', async () => {
      const { who, exp, sig } = parts();
      const res = await content(`/api/uploads/${view.id - 1}/content?${who}&exp=${exp}&sig=${sig}`);
      expect(res.status).toBe(404);
      const later = await content(`/api/uploads/${view.id}/content?${who}&exp=${Number(exp) + 1000}&sig=${sig}`);
      expect(later.status).toBe(404);
    });

    it('refuses an expired url', async () => {
      const { who, sig } = parts();
      const res = await content(`/api/uploads/${view.id}/content?${who}&exp=1000&sig=${sig}`);
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

    it('refuses an image with a zero width or height: 400 IMAGE_INVALID, not "too large"', async () => {
      const before = await countUploads();
      const jpegNoHeight = Buffer.from(JPEG_2X2);
      const sof = jpegNoHeight.indexOf(Buffer.from([0xff, 0xc0]));
      jpegNoHeight.writeUInt16BE(0, sof + 5); // SOF0: marker, length (2), precision (1), height (2), width (2)
      for (const [data, name, type] of [
        [png(0, 0), 'zero.png', 'image/png'],
        [png(3, 0), 'flat.png', 'image/png'],
        [png(2, 2, { claim: [0, 2] }), 'narrow.png', 'image/png'],
        [jpegNoHeight, 'zero.jpg', 'image/jpeg'],
      ] as const) {
        const res = await upload(resident, form(data, name, type));
        expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 400, code: 'IMAGE_INVALID' });
        expect(res.body.message).toMatch(/width or height is 0/);
      }
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
      // Another description than the order above, so it is not taken for a duplicate of it.
      const created = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '技师带照片处理', houseId: w.houseA1.id, photoIds: [] },
        { token: resident },
      );
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

  describe('signed urls are short-lived and bound to the viewer', () => {
    let orderId: number;
    let photoId: number;
    let neighbour: string;
    let neighbourId: number;
    let tech: string;
    const detail = (token: string) => server.api.get(`/work-orders/${orderId}`, { token });
    const photoUrl = async (token: string) => {
      const res = await detail(token);
      expect(res.status).toBe(200);
      return res.body.photos.find((p: { id: number }) => p.id === photoId).url as string;
    };

    beforeAll(async () => {
      const photo = await upload(resident, form(png(6, 4), 'bound.png', 'image/png'));
      photoId = photo.body.id;
      const created = await server.api.post(
        '/work-orders',
        { category: 'plumbing', description: '照片链接绑定查看人', houseId: w.houseA1.id, photoIds: [photoId] },
        { token: resident },
      );
      expect(created.status).toBe(201);
      orderId = created.body.id;
      // A second verified resident of the same house sees the order (and its photos).
      const co = await w.factory.resident(server, 'code-res-cohabitant', [{ id: w.houseA1.id }]);
      neighbourId = co.id;
      neighbour = await loginResident(server, 'code-res-cohabitant');
      tech = await loginStaff(server, w.staff.techA1);
      const assigned = await server.api.post(
        `/work-orders/${orderId}/transitions`,
        { action: 'assign', assigneeId: w.staff.techA1.id, version: created.body.version },
        { token: desk },
      );
      expect(assigned.status).toBe(200);
    });

    it('lives about 15 minutes (LINLI_PHOTO_URL_TTL_SECONDS), not 24 hours', async () => {
      const exp = Number(new URL(await photoUrl(resident), server.url).searchParams.get('exp'));
      const left = exp - Date.now() / 1000;
      expect(left).toBeGreaterThan(15 * 60 - 5);
      expect(left).toBeLessThanOrEqual(16 * 60);
    });

    it("does not verify for another viewer: one user's link with another user's id is 404", async () => {
      const mine = new URL(await photoUrl(neighbour), server.url);
      expect((await content(mine.pathname + mine.search)).status).toBe(200);
      const other = new URL(mine);
      other.searchParams.set('v', String(w.residents.resA1.id));
      expect((await content(other.pathname + other.search)).status).toBe(404);
      const otherOrder = new URL(mine);
      otherOrder.searchParams.set('o', '0');
      expect((await content(otherOrder.pathname + otherOrder.search)).status).toBe(404);
    });

    it('stops working when the viewer loses the house binding: 404', async () => {
      const url = await photoUrl(neighbour);
      expect((await content(url)).status).toBe(200);
      await server.ds.query('DELETE FROM house_binding WHERE userId = ? AND houseId = ?', [neighbourId, w.houseA1.id]);
      expect((await detail(neighbour)).status).toBe(404);
      const res = await content(url);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    });

    it('stops working when the order is reassigned away from the technician: 404; the new one sees it', async () => {
      const url = await photoUrl(tech);
      expect((await content(url)).status).toBe(200);
      const { version } = (await detail(desk)).body;
      const moved = await server.api.post(
        `/work-orders/${orderId}/transitions`,
        { action: 'assign', assigneeId: w.staff.techA1b.id, version },
        { token: desk },
      );
      expect(moved.status).toBe(200);
      expect((await content(url)).status).toBe(404);
      const newTech = await loginStaff(server, w.staff.techA1b);
      expect((await content(await photoUrl(newTech))).status).toBe(200);
    });

    it('keeps working for the uploader and the desk; a deactivated viewer gets 404', async () => {
      expect((await content(await photoUrl(resident))).status).toBe(200);
      const deskUrl = await photoUrl(desk);
      expect((await content(deskUrl)).status).toBe(200);
      const own = (await server.api.get(`/uploads/${photoId}`, { token: resident })).body.url as string;
      expect((await content(own)).status).toBe(200);
      const gone = await w.factory.staff('desk', w.companyA.id, [w.a1.id]);
      const goneUrl = await photoUrl(await loginStaff(server, gone));
      expect((await content(goneUrl)).status).toBe(200);
      await server.ds.getRepository(User).update(gone.id, { active: false });
      expect((await content(goneUrl)).status).toBe(404);
    });

    it('expires: a link 16 minutes old is 404', async () => {
      const url = await photoUrl(desk);
      expect((await content(url)).status).toBe(200);
      const clock = server.app.get(Clock);
      clock.advance(16 * 60 * 1000 + 1000);
      try {
        expect((await content(url)).status).toBe(404);
        expect((await content(await photoUrl(desk))).status).toBe(200);
      } finally {
        clock.advance(-(16 * 60 * 1000 + 1000));
      }
    });
  });
});

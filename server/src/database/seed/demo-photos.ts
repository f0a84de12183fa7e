import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type { EntityManager } from 'typeorm';
import type { FileStorage } from '../../modules/uploads/file-storage.js';
import { Upload } from '../../modules/uploads/upload.entity.js';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A completion photo drawn in memory (240x180 RGB PNG): a pale tiled wall with a chrome pipe
 * and valve, the kind of after photo a technician takes. No binary fixture in the repository.
 */
export function completionPhotoPng(): Buffer {
  const w = 240;
  const h = 180;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const grout = x % 40 === 0 || y % 40 === 0;
      let rgb = grout ? [200, 200, 195] : [236, 234, 228];
      const pipe = y >= 80 && y < 100;
      const valve = Math.hypot(x - 150, y - 90) < 22;
      if (pipe) rgb = [150 + (y - 80) * 4, 155 + (y - 80) * 4, 165 + (y - 80) * 3];
      if (valve) rgb = [190, 40, 40];
      row.set(rgb, 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Store the demo completion photo once and give each technician an upload of it, so every
 * demo repair is completed with a photo as the rule requires; technician id → upload id.
 */
export async function seedCompletionPhotos(
  em: EntityManager,
  storage: FileStorage,
  technicianIds: readonly number[],
  now: Date,
): Promise<Map<number, number>> {
  const data = completionPhotoPng();
  const sha256 = createHash('sha256').update(data).digest('hex');
  const storageKey = `photos/demo/${sha256}.png`;
  await storage.put(storageKey, data);
  const byTech = new Map<number, number>();
  for (const ownerId of technicianIds) {
    const row = await em.save(
      em.create(Upload, {
        ownerId,
        storageKey,
        mime: 'image/png',
        size: data.length,
        width: 240,
        height: 180,
        sha256,
        createdAt: now,
      }),
    );
    byTech.set(ownerId, row.id);
  }
  return byTech;
}

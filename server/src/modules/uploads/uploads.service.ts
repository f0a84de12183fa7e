import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PhotoRef, UploadView } from '@linli/shared';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { FILE_STORAGE, type FileStorage } from './file-storage.js';
import type { Upload } from './upload.entity.js';
import { UploadsRepository } from './uploads.repository.js';

/** Photo types we keep, decided by the bytes, never by the name or the client's claim. */
const ALLOWED = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
]);
const URL_TTL_SECONDS = 24 * 3600;
export const UPLOAD_SIGNING_KEY = Symbol('UPLOAD_SIGNING_KEY');

@Injectable()
export class UploadsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(UPLOAD_SIGNING_KEY) private readonly signingKey: string,
  ) {}

  async store(actor: Actor, data: Buffer | undefined): Promise<UploadView> {
    if (!data?.length) {
      throw new AppError('VALIDATION_FAILED', 'no file', [{ field: 'file', problems: ['a file is required'] }]);
    }
    if (data.length > this.config.uploads.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 'file too large');
    const type = await fileTypeFromBuffer(data);
    const ext = type && ALLOWED.get(type.mime);
    if (!type || !ext) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'only JPEG, PNG and WebP photos are accepted');
    let width: number;
    let height: number;
    try {
      ({ width, height } = imageSize(data));
    } catch {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the image cannot be read');
    }
    // Decompression bombs: a small file that claims a huge canvas.
    if (!width || !height || width * height > this.config.uploads.maxPixels) {
      throw new AppError('PAYLOAD_TOO_LARGE', `image dimensions ${width}x${height} are too large`);
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    const now = new Date();
    const key = `photos/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${sha256}.${ext}`;
    await this.storage.put(key, data);
    const row = await this.uploads.create({
      ownerId: actor.userId,
      storageKey: key,
      mime: type.mime,
      size: data.length,
      width,
      height,
      sha256,
    });
    return this.view(row);
  }

  view(row: Upload): UploadView {
    return {
      id: row.id,
      mime: row.mime,
      size: row.size,
      width: row.width,
      height: row.height,
      url: this.signedUrl(row.id),
    };
  }

  /** Photos of a record the viewer may already see (an order, an event): signed URLs, no lookup. */
  photoRefs(ids: number[]): PhotoRef[] {
    return ids.map((id) => ({ id, url: this.signedUrl(id) }));
  }

  private signedUrl(id: number): string {
    const exp = Math.floor(Date.now() / 1000) + URL_TTL_SECONDS;
    return `/api/uploads/${id}/content?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  /** Signed URLs let <img> tags (which send no bearer token) show photos without exposing ids. */
  async open(id: number, exp: number, sig: string) {
    const expected = Buffer.from(this.sign(id, exp));
    const given = Buffer.from(sig);
    if (exp < Date.now() / 1000 || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw notFound('upload');
    }
    const row = await this.uploads.findById(id);
    if (!row) throw notFound('upload');
    return { mime: row.mime, size: row.size, stream: this.storage.read(row.storageKey) };
  }

  async describe(actor: Actor, id: number): Promise<UploadView> {
    const row = await this.uploads.findById(id);
    if (!row || row.ownerId !== actor.userId) throw notFound('upload');
    return this.view(row);
  }

  private sign(id: number, exp: number): string {
    return createHmac('sha256', this.signingKey).update(`${id}.${exp}`).digest('base64url');
  }
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PhotoRef, UploadView } from '@linli/shared';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { AppError, notFound } from '../../common/app-error.js';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { FILE_STORAGE, type FileStorage } from './file-storage.js';
import type { Upload } from './upload.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { UploadsRepository } from './uploads.repository.js';

/** Photo types we keep, decided by the bytes, never by the name or the client's claim. */
const ALLOWED = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
]);
export const UPLOAD_SIGNING_KEY = Symbol('UPLOAD_SIGNING_KEY');

/** May this (active) user still see this order? The work-orders module owns the rule and registers it. */
export type OrderVisibility = (viewer: Actor, orderId: number) => Promise<boolean>;

/** What a signed photo URL carries: the upload, whom it was made for, through which order, until when. */
export interface PhotoLink {
  id: number;
  /** The user the URL was made for. */
  viewerId: number;
  /** The order the photo was shown on; 0 for the uploader's own view of the upload. */
  orderId: number;
  exp: number;
  sig: string;
}

@Injectable()
export class UploadsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(UPLOAD_SIGNING_KEY) private readonly signingKey: string,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  // Until work-orders registers its rule, no order grants access (only the uploader sees a photo).
  private orderVisible: OrderVisibility = () => Promise.resolve(false);

  /** Called once by the work-orders module (which imports this one, so this one cannot import it). */
  setOrderVisibility(check: OrderVisibility): void {
    this.orderVisible = check;
  }

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
    if (!width || !height) {
      throw new AppError('IMAGE_INVALID', `the image's width or height is 0 (${width}x${height}): not a photo`);
    }
    // Decompression bombs: a small file that claims a huge canvas.
    if (width * height > this.config.uploads.maxPixels) {
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
    return this.view(row, actor.userId);
  }

  /** The uploader's view of their upload. */
  view(row: Upload, viewerId: number): UploadView {
    return {
      id: row.id,
      mime: row.mime,
      size: row.size,
      width: row.width,
      height: row.height,
      url: this.signedUrl(row.id, viewerId, 0),
    };
  }

  /** Photos of an order (or one of its events) the viewer sees now: URLs for this viewer and order, no lookup. */
  photoRefs(ids: number[], viewerId: number, orderId: number): PhotoRef[] {
    return ids.map((id) => ({ id, url: this.signedUrl(id, viewerId, orderId) }));
  }

  private signedUrl(id: number, viewerId: number, orderId: number): string {
    // Rounded up to the minute, so answers within a minute share URLs (and the browser's cache).
    const ttl = this.config.uploads.photoUrlTtlSeconds;
    const exp = Math.ceil((this.clock.now().getTime() / 1000 + ttl) / 60) * 60;
    const sig = this.sign(id, viewerId, orderId, exp);
    return `/api/uploads/${id}/content?v=${viewerId}&o=${orderId}&exp=${exp}&sig=${sig}`;
  }

  /**
   * Signed URLs let <img> tags (which send no bearer token) show photos. A URL is good for
   * minutes, for the user it was made for, and only while that user is active and still sees
   * the order it was shown on (or uploaded the photo): anything else is NOT_FOUND.
   */
  async open(link: PhotoLink) {
    const { id, viewerId, orderId, exp, sig } = link;
    const expected = Buffer.from(this.sign(id, viewerId, orderId, exp));
    const given = Buffer.from(sig);
    const now = this.clock.now().getTime() / 1000;
    if (exp < now || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw notFound('upload');
    }
    const [row, viewer] = await Promise.all([this.uploads.findById(id), this.users.loadActor(viewerId)]);
    if (!row || !viewer) throw notFound('upload');
    const allowed = row.ownerId === viewer.userId || (orderId > 0 && (await this.orderVisible(viewer, orderId)));
    if (!allowed) throw notFound('upload');
    return {
      mime: row.mime,
      size: row.size,
      maxAgeSeconds: Math.max(0, Math.floor(exp - now)),
      stream: this.storage.read(row.storageKey),
    };
  }

  async describe(actor: Actor, id: number): Promise<UploadView> {
    const row = await this.uploads.findById(id);
    if (!row || row.ownerId !== actor.userId) throw notFound('upload');
    return this.view(row, actor.userId);
  }

  private sign(id: number, viewerId: number, orderId: number, exp: number): string {
    return createHmac('sha256', this.signingKey).update(`${id}.${viewerId}.${orderId}.${exp}`).digest('base64url');
  }
}

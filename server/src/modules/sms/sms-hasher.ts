import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';

/**
 * Keyed hashes for SMS records. A phone number has too little entropy for a plain hash (all
 * 11-digit numbers hash in minutes), so both the phone and the code are HMAC-SHA256 under a key
 * derived from the server secret: a leaked table without the secret reveals neither.
 */
@Injectable()
export class SmsHasher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = createHmac('sha256', config.jwt.secret).update('linli-sms').digest();
  }

  phone(phone: string): string {
    return createHmac('sha256', this.key).update(`phone:${phone}`).digest('hex');
  }

  /** A code's hash is bound to its phone and purpose: the same digits elsewhere hash differently. */
  code(phoneHash: string, purpose: string, code: string): string {
    return createHmac('sha256', this.key).update(`code:${phoneHash}:${purpose}:${code}`).digest('hex');
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/config.js';

const WARN_EVERY_MS = 60_000;

/** Which database a process serves: the processes of one database are one deployment. */
export function databaseIdentity(db: AppConfig['db']): string {
  return db.type === 'sqlite' ? `sqlite:${db.file}` : `${db.type}://${db.host}:${db.port}/${db.database}`;
}

/**
 * The Redis channel of one topic of one deployment: processes of one database share it, and
 * another deployment (or a test) on the same Redis never hears them (ids would clash).
 */
export function deploymentChannel(topic: string, db: AppConfig['db']): string {
  return `linli:${topic}:v1:${createHash('sha256').update(databaseIdentity(db)).digest('hex').slice(0, 16)}`;
}

interface WireMessage {
  origin: string;
  payload: unknown;
}

/**
 * Messages between the processes of a deployment over Redis pub/sub: `publish` reaches every
 * other process's `onMessage` (a process skips its own by origin id). Pub/sub is fire-and-forget:
 * while a process's subscriber link is down it misses what others publish, so when the link comes
 * back `onGap` runs (the caller assumes it missed everything). Publishing fails open and never
 * queues behind a dead link: a lost message is better than a late one. Used by the live updates
 * (order notices) and the signed-in user cache (forgotten users).
 */
export class RedisBroadcast {
  private readonly logger: Logger;
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private onMessage: (payload: unknown) => void = () => undefined;
  private onGap: () => void = () => undefined;
  private everReady = false;
  private lastWarnAt = 0;

  constructor(
    url: string,
    private readonly channel: string,
    private readonly what: string,
  ) {
    this.logger = new Logger(`RedisBroadcast ${what}`);
    const options = {
      connectTimeout: 2000,
      disconnectTimeout: 200,
      retryStrategy: (times: number) => Math.min(times * 200, 5000),
    };
    this.pub = new Redis(url, { ...options, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
    // The subscriber re-subscribes by itself after a reconnect (ioredis autoResubscribe).
    this.sub = new Redis(url, { ...options, maxRetriesPerRequest: null });
    this.pub.on('error', (e: Error) => this.warn(e));
    this.sub.on('error', (e: Error) => this.warn(e));
    this.sub.on('ready', () => {
      // A reconnect: whatever was published meanwhile is gone.
      if (this.everReady) this.onGap();
      this.everReady = true;
    });
    this.sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let msg: WireMessage;
      try {
        msg = JSON.parse(text) as WireMessage;
      } catch {
        return;
      }
      if (msg.origin === this.origin) return;
      this.onMessage(msg.payload);
    });
    this.sub.subscribe(this.channel).catch((e: Error) => this.warn(e));
  }

  listen(onMessage: (payload: unknown) => void, onGap: () => void): void {
    this.onMessage = onMessage;
    this.onGap = onGap;
  }

  /** Resolves once the subscription is in place (tests, and the readiness of a new process). */
  async ready(): Promise<void> {
    if (this.sub.status === 'ready') return;
    await new Promise<void>((resolve) => this.sub.once('ready', () => resolve()));
  }

  publish(payload: unknown): void {
    if (this.pub.status !== 'ready') {
      this.warn(new Error(`Redis connection is ${this.pub.status}`));
      return;
    }
    const msg: WireMessage = { origin: this.origin, payload };
    this.pub.publish(this.channel, JSON.stringify(msg)).catch((e: Error) => this.warn(e));
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.pub, this.sub].map(async (r) => {
        try {
          if (r.status === 'ready') {
            await r.quit();
            return;
          }
        } catch {
          /* fall through */
        }
        r.disconnect();
      }),
    );
  }

  private warn(err: Error) {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(`Redis link unavailable, other processes miss ${this.what}: ${err.message}`);
  }
}

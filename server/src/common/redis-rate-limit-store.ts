import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit.js';

const KEY_PREFIX = 'linli:rl:';
const WARN_EVERY_MS = 60_000;

/**
 * One round trip, atomic: count the hit, start the window on the first hit (or repair a key
 * that somehow lost its expiry), and return the count with the milliseconds left.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * Fixed-window counters shared by every server process through Redis, so a limit such as
 * "20 logins a minute per client" holds across a load-balanced deployment.
 *
 * Fails open: when Redis cannot be reached or errors, a hit counts as the first in its window
 * (count 1) and a warning is logged at most once a minute. The limits guard login and order
 * creation against abuse; refusing every login and order while Redis is down would turn a cache
 * outage into a full outage. Losing the limit for that time is the smaller harm, and the
 * database still enforces idempotency of order creation.
 */
export class RedisRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private lastWarnAt = 0;

  constructor(url: string, opts: { commandTimeoutMs?: number } = {}) {
    this.redis = new Redis(url, {
      // Fail fast instead of queueing requests while disconnected (the limiter fails open).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // On shutdown ioredis waits this long for a socket that may already be gone (Redis down).
      disconnectTimeout: 200,
      commandTimeout: opts.commandTimeoutMs ?? 1000,
      // Keep reconnecting in the background, backing off to 5 s.
      retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.redis.on('error', (err: Error) => this.warn(err));
  }

  async hit(key: string, windowSeconds: number): Promise<{ count: number; resetAt: number }> {
    const windowMs = windowSeconds * 1000;
    try {
      // Not connected (yet, or any more): answer at once rather than send into a dead socket.
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, KEY_PREFIX + key, windowMs)) as [number, number];
      return { count: Number(count), resetAt: Date.now() + Number(ttl) };
    } catch (err) {
      this.warn(err as Error);
      return { count: 1, resetAt: Date.now() + windowMs };
    }
  }

  async peek(key: string): Promise<{ count: number; resetAt: number } | null> {
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      const [[, count], [, ttl]] = (await this.redis
        .multi()
        .get(KEY_PREFIX + key)
        .pttl(KEY_PREFIX + key)
        .exec()) as [[unknown, string | null], [unknown, number]];
      if (count === null || Number(ttl) <= 0) return null;
      return { count: Number(count), resetAt: Date.now() + Number(ttl) };
    } catch (err) {
      this.warn(err as Error);
      return null; // fail open, as hit() does
    }
  }

  async hold(key: string, seconds: number): Promise<void> {
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      await this.redis.set(KEY_PREFIX + key, '1', 'PX', seconds * 1000);
    } catch (err) {
      this.warn(err as Error);
    }
  }

  async reset(key: string): Promise<void> {
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
      await this.redis.del(KEY_PREFIX + key);
    } catch (err) {
      this.warn(err as Error);
    }
  }

  /** Whether Redis answers a PING now (readiness); the connection's state when it is not up. */
  async ping(): Promise<{ up: true } | { up: false; reason: string }> {
    if (this.redis.status !== 'ready') return { up: false, reason: `connection is ${this.redis.status}` };
    try {
      await this.redis.ping();
      return { up: true };
    } catch (err) {
      return { up: false, reason: (err as Error).message };
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        /* fall through to a hard disconnect */
      }
    }
    this.redis.disconnect();
  }

  private warn(err: Error) {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(`Redis rate-limit store unavailable, limits are not enforced (fail open): ${err.message}`);
  }
}

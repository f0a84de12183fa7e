import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, Inject } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from './app-error.js';
import type { Actor } from './auth/actor.js';

export interface RateLimitRule {
  /** Bucket name, e.g. 'login'. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export const RATE_LIMIT = 'linli:rate-limit';
export const RateLimit = (rule: RateLimitRule) => SetMetadata(RATE_LIMIT, rule);

/** Where counters live. In-memory per process by default; a shared store can replace it. */
export interface RateLimitStore {
  /** Count one hit and return the hits in the current window and when it resets (ms epoch). */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetAt: number }>;
  /** The current window's count and end without counting; null when none is running. */
  peek(key: string): Promise<{ count: number; resetAt: number } | null>;
  /** Start a fresh window of one hit lasting `seconds`, replacing any running one. */
  hold(key: string, seconds: number): Promise<void>;
  /** End the window now. */
  reset(key: string): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  hit(key: string, windowSeconds: number) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return Promise.resolve({ ...w });
  }
  peek(key: string) {
    const w = this.windows.get(key);
    return Promise.resolve(w && w.resetAt > Date.now() ? { ...w } : null);
  }
  hold(key: string, seconds: number) {
    this.windows.set(key, { count: 1, resetAt: Date.now() + seconds * 1000 });
    return Promise.resolve();
  }
  reset(key: string) {
    this.windows.delete(key);
    return Promise.resolve();
  }
  /** Forget every window (tests that probe many routes from one address). */
  clear() {
    this.windows.clear();
  }
  private sweep(now: number) {
    for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
  }
}

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/** Fixed-window limits per client IP and, once authenticated, per user. Runs after AuthGuard. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<RateLimitRule | undefined>(RATE_LIMIT, ctx.getHandler());
    if (!rule) return true;
    const req = ctx.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const keys = [`${rule.name}:ip:${req.ip}`];
    if (req.actor) keys.push(`${rule.name}:user:${req.actor.userId}`);
    for (const key of keys) {
      const { count, resetAt } = await this.store.hit(key, rule.windowSeconds);
      if (count > rule.limit) {
        const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
        throw new AppError('RATE_LIMITED', `too many requests, retry in ${retryAfter}s`, undefined, {
          'Retry-After': String(retryAfter),
        });
      }
    }
    return true;
  }
}

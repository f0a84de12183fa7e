import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError } from './app-error.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit.js';

/** Failures are counted over this window (seconds). */
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
/** Free failures per account and client address before the delay starts. */
export const LOGIN_FREE_FAILURES = 5;
/** Failures per account from all clients before clients that have failed for it wait too. */
export const LOGIN_ACCOUNT_CEILING = 50;
/** The longest wait (seconds). */
export const LOGIN_MAX_DELAY_SECONDS = 15 * 60;

/** After failure n (n >= free), wait 2^(n - free + 1) seconds: 2, 4, 8, ... capped. */
export function loginDelaySeconds(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(LOGIN_MAX_DELAY_SECONDS, 2 ** Math.min(30, failures - free + 1));
}

function throttled(wait: number): AppError {
  return new AppError(
    'LOGIN_THROTTLED',
    `too many failed logins for this account, retry in ${wait}s`,
    { retryAfterSeconds: wait },
    { 'Retry-After': String(wait) },
  );
}

/**
 * Per-account password throttling (docs/security.md, "Password guessing").
 *
 * - The strict limit is per account and client address: after 5 failures in 15 minutes, that
 *   client must wait 2, 4, 8 ... seconds (up to 15 minutes) before each further attempt for that
 *   account. A success from the client clears its failures.
 * - The ceiling is per account: past 50 failures in 15 minutes from all clients, every client
 *   that has failed for the account at least once waits the same way. A client that never failed
 *   for it is never held, so guessing from elsewhere cannot lock the real user out of their own
 *   phone or PC; a distributed guesser gets one try per fresh address.
 *
 * Keyed by the username as typed (trimmed, lower-cased, hashed), before any lookup: unknown and
 * existing usernames get the same answers. Passwords are never stored. Counters live in the
 * rate-limit store (Redis when configured, so the limits hold across processes).
 */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  private keys(username: string, ip: string) {
    const account = createHash('sha256').update(username.trim().toLowerCase()).digest('base64url').slice(0, 22);
    return {
      pair: `login-fail:${account}:${ip}`,
      pairHold: `login-hold:${account}:${ip}`,
      account: `login-fail:${account}`,
      accountHold: `login-hold:${account}`,
      inFlight: `login-busy:${account}:${ip}`,
    };
  }

  /**
   * Runs one login attempt for this account and client: refused while this client must wait,
   * and while another attempt of the same client for the same account is still being checked
   * (parallel guesses would otherwise all pass the check before the first failure is counted).
   * The failure or success is recorded by `run` through `failed` / `succeeded`.
   */
  async attempt<T>(username: string, ip: string, run: () => Promise<T>): Promise<T> {
    await this.check(username, ip);
    const k = this.keys(username, ip);
    // Atomic in the store (Redis INCR): of parallel attempts exactly one sees 1. The window only
    // bounds how long a crashed attempt could keep the gate shut.
    const busy = await this.store.hit(k.inFlight, 30);
    if (busy.count > 1) throw throttled(1);
    try {
      return await run();
    } finally {
      await this.store.reset(k.inFlight);
    }
  }

  /** LOGIN_THROTTLED when this client must still wait before trying this account again. */
  async check(username: string, ip: string): Promise<void> {
    const k = this.keys(username, ip);
    const [pairHold, pair, accountHold] = await Promise.all([
      this.store.peek(k.pairHold),
      this.store.peek(k.pair),
      this.store.peek(k.accountHold),
    ]);
    const holds = [pairHold, pair && accountHold].filter((h) => h !== null && h.count > 0);
    const until = Math.max(0, ...holds.map((h) => h!.resetAt));
    const wait = Math.ceil((until - Date.now()) / 1000);
    if (wait > 0) throw throttled(wait);
  }

  async failed(username: string, ip: string): Promise<void> {
    const k = this.keys(username, ip);
    const [pair, account] = await Promise.all([
      this.store.hit(k.pair, LOGIN_FAILURE_WINDOW_SECONDS),
      this.store.hit(k.account, LOGIN_FAILURE_WINDOW_SECONDS),
    ]);
    const pairDelay = loginDelaySeconds(pair.count, LOGIN_FREE_FAILURES);
    const accountDelay = loginDelaySeconds(account.count, LOGIN_ACCOUNT_CEILING);
    // A hold is a counter whose window is the delay; the checks above stop attempts while it runs.
    await Promise.all([
      pairDelay && this.store.hold(k.pairHold, pairDelay),
      accountDelay && this.store.hold(k.accountHold, accountDelay),
    ]);
  }

  /** A success clears this client's failures for the account (not the account's ceiling). */
  async succeeded(username: string, ip: string): Promise<void> {
    const k = this.keys(username, ip);
    await Promise.all([this.store.reset(k.pair), this.store.reset(k.pairHold)]);
  }
}

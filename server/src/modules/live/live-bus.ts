import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { LiveOrderFacts } from '../work-orders/work-orders.repository.js';

/**
 * A committed order change as the processes tell each other: the order's visibility columns
 * after the change, and who could see it before (a reassignment, a grab from the pool), so the
 * gateway can tell the former viewers too. Internal: sockets only ever get a `LiveServerMessage`.
 */
export interface OrderNotice {
  order: LiveOrderFacts;
  /** The order as it was before each change this notice covers (status, assignee), if known. */
  before: Array<{ status: string; assigneeId: number | null }>;
}

/** The provider token of the process's bus (live.module.ts picks Local or Redis). */
export const LIVE_BUS = Symbol('LIVE_BUS');

export type NoticeHandler = (notice: OrderNotice) => void;
/** Called when notices from other processes may have been lost (the Redis link came back). */
export type GapHandler = () => void;

/** Carries notices from the process that committed a change to every process's sockets. */
export interface LiveBus {
  /** Whether other processes hear what this one publishes (else only its own sockets do). */
  readonly shared: boolean;
  publish(notices: OrderNotice[]): void;
  subscribe(onNotice: NoticeHandler, onGap: GapHandler): void;
  close(): Promise<void>;
}

/** One process: notices go straight to this process's sockets. */
export class LocalLiveBus implements LiveBus {
  readonly shared = false;
  private readonly handlers: NoticeHandler[] = [];

  publish(notices: OrderNotice[]): void {
    for (const n of notices) for (const h of this.handlers) h(n);
  }

  subscribe(onNotice: NoticeHandler): void {
    this.handlers.push(onNotice);
  }

  async close(): Promise<void> {}
}

/**
 * The Redis channel of one deployment: processes of one database share it, and another
 * deployment (or a test) on the same Redis never hears their notices (order ids would clash).
 */
export function liveChannel(database: string): string {
  return `linli:live:v1:${createHash('sha256').update(database).digest('hex').slice(0, 16)}`;
}
const WARN_EVERY_MS = 60_000;

interface WireMessage {
  origin: string;
  notices: OrderNotice[];
}

/**
 * Several processes: each notice is delivered to this process's sockets at once, and published
 * on a Redis channel that every process subscribes to (a process skips its own messages by
 * their origin id). Redis pub/sub is fire-and-forget: while a process's subscriber link is down
 * it misses what others publish, so when the link comes back its sockets are told to `resync`
 * (refetch once). Publishing fails open: a Redis outage costs other processes' sockets their
 * notices (their pages still poll once resynced), never the change itself.
 */
export class RedisLiveBus implements LiveBus {
  readonly shared = true;
  private readonly logger = new Logger('LiveBus');
  private readonly origin = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly local = new LocalLiveBus();
  private onGap: GapHandler = () => undefined;
  private everReady = false;
  private lastWarnAt = 0;

  constructor(
    url: string,
    private readonly channel: string,
  ) {
    const options = {
      connectTimeout: 2000,
      disconnectTimeout: 200,
      retryStrategy: (times: number) => Math.min(times * 200, 5000),
    };
    // Publishing never queues behind a dead link: a lost notice is better than a late one.
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
      if (msg.origin === this.origin || !Array.isArray(msg.notices)) return;
      this.local.publish(msg.notices);
    });
    this.sub.subscribe(this.channel).catch((e: Error) => this.warn(e));
  }

  /** Resolves once the subscription is in place (tests, and the readiness of a new process). */
  async ready(): Promise<void> {
    if (this.sub.status === 'ready') return;
    await new Promise<void>((resolve) => this.sub.once('ready', () => resolve()));
  }

  publish(notices: OrderNotice[]): void {
    if (!notices.length) return;
    this.local.publish(notices);
    if (this.pub.status !== 'ready') {
      this.warn(new Error(`Redis connection is ${this.pub.status}`));
      return;
    }
    const msg: WireMessage = { origin: this.origin, notices };
    this.pub.publish(this.channel, JSON.stringify(msg)).catch((e: Error) => this.warn(e));
  }

  subscribe(onNotice: NoticeHandler, onGap: GapHandler): void {
    this.local.subscribe(onNotice);
    this.onGap = onGap;
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
    this.logger.warn(`Redis link for live updates unavailable, other processes miss notices: ${err.message}`);
  }
}

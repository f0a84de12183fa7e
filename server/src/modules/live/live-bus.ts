import { RedisBroadcast } from '../../common/redis-broadcast.js';
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
 * Several processes: each notice is delivered to this process's sockets at once, and published
 * to the other processes over Redis (`RedisBroadcast`). While a process's link to Redis is down
 * it misses what others publish, so when the link comes back its sockets are told to `resync`
 * (refetch once). Publishing fails open: a Redis outage costs other processes' sockets their
 * notices (their pages still poll once resynced), never the change itself.
 */
export class RedisLiveBus implements LiveBus {
  readonly shared = true;
  private readonly local = new LocalLiveBus();
  private readonly broadcast: RedisBroadcast;
  private onGap: GapHandler = () => undefined;

  constructor(url: string, channel: string) {
    this.broadcast = new RedisBroadcast(url, channel, 'live notices');
    this.broadcast.listen(
      (payload) => {
        if (Array.isArray(payload)) this.local.publish(payload as OrderNotice[]);
      },
      () => this.onGap(),
    );
  }

  /** Resolves once the subscription is in place (tests, and the readiness of a new process). */
  ready(): Promise<void> {
    return this.broadcast.ready();
  }

  publish(notices: OrderNotice[]): void {
    if (!notices.length) return;
    this.local.publish(notices);
    this.broadcast.publish(notices);
  }

  subscribe(onNotice: NoticeHandler, onGap: GapHandler): void {
    this.local.subscribe(onNotice);
    this.onGap = onGap;
  }

  close(): Promise<void> {
    return this.broadcast.close();
  }
}

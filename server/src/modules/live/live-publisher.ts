import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { OutboxWriter, type OutboxEventInput } from '../notifications/outbox.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { LIVE_BUS, type LiveBus, type OrderNotice } from './live-bus.js';
import { LiveGateway } from './live.gateway.js';

/**
 * Turns committed order changes into notices on the bus. Every change the pages show writes an
 * outbox event in its transaction (create, routing decisions, every transition including
 * quotes, approvals and the rating's confirm, SLA escalations); `OutboxWriter` tells this class
 * about each one after the commit. The ids are collected and, on the next turn of the event
 * loop, the orders' current columns are read in one query and published: one notice per order
 * however many events its transaction wrote.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Live');
  private pending = new Map<number, OrderNotice['before']>();
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(LiveGateway) private readonly gateway: LiveGateway,
  ) {}

  onModuleInit(): void {
    this.outbox.onCommitted((event) => this.note(event));
  }

  /** An event of a committed transaction (synchronous: only queues). */
  note(event: OutboxEventInput): void {
    // Nobody could hear it: no socket here and no other process on the bus (no read either).
    if (this.closed || (!this.bus.shared && this.gateway.signedIn === 0)) return;
    const before = this.pending.get(event.workOrderId) ?? [];
    if (event.type === 'order.transition') {
      before.push({ status: event.payload.from, assigneeId: event.payload.previousAssigneeId });
    }
    this.pending.set(event.workOrderId, before);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushing = this.flushing.then(() => this.flush());
      });
    }
  }

  /** Resolves when everything noted so far has been published (tests, shutdown). */
  async settled(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    if (!batch.size) return;
    try {
      const rows = await this.orders.liveFacts([...batch.keys()]);
      this.bus.publish(rows.map((order) => ({ order, before: batch.get(order.id) ?? [] })));
    } catch (e) {
      // The pages poll while they hear nothing; the change itself is committed and safe.
      this.logger.warn(`live notices for ${batch.size} order(s) lost: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.bus.close();
  }
}

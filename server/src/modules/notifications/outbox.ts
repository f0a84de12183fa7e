import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCommit, deferInsert } from '../../common/write-batch.js';
import { OutboxEvent } from './notification.entities.js';

/**
 * Events Linli announces. Each is written by `OutboxWriter.emit` in the same transaction as
 * the change; the dispatcher turns it into notifications for the right people.
 */
export type OutboxEventInput =
  | { type: 'order.created'; workOrderId: number; payload: { actorId: number | null } }
  | {
      type: 'order.transition';
      workOrderId: number;
      payload: {
        action: string;
        from: string;
        to: string;
        actorId: number | null;
        actorRole: string;
        /** Assignee after the change, and before it when it changed. */
        assigneeId: number | null;
        previousAssigneeId: number | null;
        reason?: string | null;
        urgeCount?: number;
      };
    }
  | { type: 'routing.offered'; workOrderId: number; payload: { userId: number; expiresAt: string } }
  | { type: 'routing.waiting'; workOrderId: number; payload: { communityId: number; reasons: string[] } }
  | { type: 'routing.pooled'; workOrderId: number; payload: { communityId: number; category: string } }
  | {
      type: 'sla.escalation';
      workOrderId: number;
      payload: { clockId: number; stage: string; level: number; assigneeId: number | null };
    };

export type OutboxEventType = OutboxEventInput['type'];

/** Told about every event once its transaction has committed (the live updates, modules/live). */
export type OutboxCommitListener = (event: OutboxEventInput) => void;

@Injectable()
export class OutboxWriter {
  private readonly listeners: OutboxCommitListener[] = [];

  /**
   * Hear every emitted event after its transaction commits (never for rolled-back work). The
   * listener runs synchronously right after the commit: it must only queue its own work.
   */
  onCommitted(listener: OutboxCommitListener): void {
    this.listeners.push(listener);
  }

  /** Written with the transaction's other deferred inserts, just before it commits (write-batch.ts). */
  async emit(em: EntityManager, event: OutboxEventInput, now: Date): Promise<void> {
    if (this.listeners.length) {
      afterCommit(em, () => {
        for (const listener of this.listeners) listener(event);
      });
    }
    await deferInsert(em, OutboxEvent, {
      type: event.type,
      workOrderId: event.workOrderId,
      payload: event.payload,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      processedAt: null,
    });
  }
}

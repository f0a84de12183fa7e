// Response shapes of the notifications API. They belong in shared/src/api.ts (the mini-program
// and the console read them too); they live here until the lead moves them.
import type { Page } from '@linli/shared';

/** One entry of a user's in-app message list. */
export interface NotificationView {
  id: number;
  /** What happened, e.g. `order.accept`, `routing.offered`, `sla.escalation`. */
  type: string;
  title: string;
  body: string;
  workOrderId: number | null;
  read: boolean;
  /** ISO 8601. */
  createdAt: string;
}

export interface NotificationPage extends Page<NotificationView> {
  /** The user's unread notifications, whatever the filter. */
  unread: number;
}

export interface MarkAllReadResponse {
  updated: number;
}

/** What `wx.requestSubscribeMessage` answered for each template id. */
export const SUBSCRIBE_RESULTS = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number];

export interface SubscriptionsView {
  /** Sends left per known template id (one per accepted request). */
  remaining: Record<string, number>;
}

export interface ReportSubscriptionsResponse extends SubscriptionsView {
  /** Template ids this server does not send, left out of the count. */
  ignored: string[];
}

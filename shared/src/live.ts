/**
 * The live-updates socket (docs/api.md "Live updates"): one WebSocket at LIVE_PATH on the API's
 * own host and port. Messages are small change notices; a page that hears one refetches what it
 * shows over REST, so no data shape is duplicated here and the REST API keeps every scoping rule
 * for data. Server and both front ends read these types.
 */
import type { WorkOrderStatus } from './work-order.js';

/** Where the socket listens (same origin as the API). */
export const LIVE_PATH = '/api/live';

/** The client must authenticate with its first message within this time, or it is closed. */
export const LIVE_AUTH_TIMEOUT_MS = 5_000;

/** Largest frame a client may send (an auth message with a JWT fits many times over). */
export const LIVE_MAX_CLIENT_FRAME_BYTES = 4_096;

/**
 * Close codes the server uses (4000-4999 are the application's). A client reconnects with
 * backoff after any close except UNAUTHENTICATED (log in again) and TOO_MANY (another tab or
 * device of the same user took the slot); while it is not connected it polls.
 */
export const LIVE_CLOSE = {
  /** Bad message (not JSON, or anything but `auth` first). */
  PROTOCOL: 4400,
  /** Missing, invalid or expired token, or a deactivated user; also when the token expires. */
  UNAUTHENTICATED: 4401,
  /** The user opened more sockets than allowed: the oldest one is closed. */
  TOO_MANY: 4429,
  /** The server is shutting down (reconnect elsewhere). */
  GOING_AWAY: 1001,
} as const;

/** Client → server. `auth` must be the first message; `ping` may follow at any time. */
export type LiveClientMessage = { type: 'auth'; token: string } | { type: 'ping' };

/**
 * Server → client.
 * - `ready`: the token was accepted; notices follow. `heartbeatMs`: how often the server pings;
 *   a client that hears nothing (not even a `pong`) for two of them should reconnect.
 * - `order.changed`: an order the user may see changed (created, routed, any transition, quote,
 *   approval, rating, SLA escalation); `status` and `version` are the order's after the change.
 * - `order.left`: an order the user saw before the change is no longer theirs to see (handed
 *   to someone else, grabbed from the pool): drop it from lists. Carries no details.
 * - `resync`: notices may have been missed (the server's link to the other servers was down):
 *   refetch everything shown.
 * - `pong`: answer to `ping`.
 */
export type LiveServerMessage =
  | { type: 'ready'; heartbeatMs: number }
  | { type: 'order.changed'; orderId: number; status: WorkOrderStatus; version: number }
  | { type: 'order.left'; orderId: number }
  | { type: 'resync' }
  | { type: 'pong' };

/** Parse a client's frame; null when it is not a well-formed LiveClientMessage. */
export function parseLiveClientMessage(text: string): LiveClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const m = value as { type?: unknown; token?: unknown };
  if (m.type === 'ping') return { type: 'ping' };
  if (m.type === 'auth' && typeof m.token === 'string' && m.token.length > 0 && m.token.length <= 2048) {
    return { type: 'auth', token: m.token };
  }
  return null;
}

/** Parse a server's frame on the client; null for anything unknown (a newer server's message). */
export function parseLiveServerMessage(text: string): LiveServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready', heartbeatMs: typeof m.heartbeatMs === 'number' ? m.heartbeatMs : 25_000 };
    case 'order.changed':
      return typeof m.orderId === 'number' && typeof m.version === 'number' && typeof m.status === 'string'
        ? { type: 'order.changed', orderId: m.orderId, status: m.status as WorkOrderStatus, version: m.version }
        : null;
    case 'order.left':
      return typeof m.orderId === 'number' ? { type: 'order.left', orderId: m.orderId } : null;
    case 'resync':
      return { type: 'resync' };
    case 'pong':
      return { type: 'pong' };
    default:
      return null;
  }
}

import type { IncomingMessage } from 'node:http';
import {
  Inject,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import {
  LIVE_AUTH_TIMEOUT_MS,
  LIVE_CLOSE,
  LIVE_MAX_CLIENT_FRAME_BYTES,
  LIVE_PATH,
  parseLiveClientMessage,
  type LiveServerMessage,
} from '@linli/shared';
import type { WebSocket } from 'ws';
import { actorOfBearer } from '../../common/auth/auth.guard.js';
import type { Actor } from '../../common/auth/actor.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { UsersRepository } from '../users/users.repository.js';
import { WorkOrdersService } from '../work-orders/work-orders.service.js';
import type { OrderScope } from '../work-orders/work-orders.repository.js';
import { LIVE_BUS, type LiveBus, type OrderNotice } from './live-bus.js';
import { LiveRegistry } from './live-registry.js';

/** A socket whose sends back up beyond this is too slow to keep up: it is dropped (it reconnects). */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** setTimeout's limit; a token living longer is checked at each heartbeat instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

class Connection {
  actor: Actor | null = null;
  userId = 0;
  scope: OrderScope = { kind: 'company', companyId: -1 };
  /** The token it signed in with, checked again at every heartbeat. */
  token = '';
  /** Seconds since the epoch at which the token expires. */
  exp = 0;
  alive = true;
  authenticating = false;
  readonly timers: NodeJS.Timeout[] = [];

  constructor(readonly ws: WebSocket) {}
}

/**
 * `GET /api/live` (WebSocket upgrade) on the HTTP server's own port: live change notices for the
 * pages that show orders (docs/api.md "Live updates", docs/architecture.md "Live updates").
 *
 * - Authentication: the first message must be `{"type":"auth","token":"<JWT>"}` within 5 s,
 *   checked exactly as a REST request's bearer token (`actorOfBearer`: signature, expiry,
 *   active user with the token's role). Otherwise the socket is closed with 4401 and has
 *   received nothing. The token is never in the URL, so no access log records it.
 * - Scope: each socket holds the REST scope of its user (`WorkOrdersService.scopeOf`); a notice
 *   reaches it only when `orderInScope` says the REST API would show the order (or showed it
 *   before the change: then `order.left`, without details).
 * - Heartbeat: every `LINLI_LIVE_HEARTBEAT_MS` the server pings each socket and closes those
 *   that did not answer the previous ping, checks each socket's token again as a request would
 *   (expired, revoked, deactivated user → 4401) and re-reads its scope (new bindings or
 *   communities apply).
 * - At most `LINLI_LIVE_MAX_SOCKETS` sockets per user and process: a new one closes the oldest (4429).
 */
@WebSocketGateway({ path: LIVE_PATH, maxPayload: LIVE_MAX_CLIENT_FRAME_BYTES })
export class LiveGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Live');
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly registry: LiveRegistry<Connection>;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(WorkOrdersService) private readonly workOrders: WorkOrdersService,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {
    this.registry = new LiveRegistry<Connection>(config.live.maxSocketsPerUser);
  }

  onModuleInit(): void {
    this.bus.subscribe(
      (n) => this.deliver(n),
      () => this.resyncAll(),
    );
    this.heartbeat = setInterval(() => void this.beat(), this.config.live.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Signed-in sockets of this process (tests, metrics). */
  get signedIn(): number {
    return this.registry.size;
  }

  handleConnection(ws: WebSocket, _req?: IncomingMessage): void {
    const conn = new Connection(ws);
    this.connections.set(ws, conn);
    conn.timers.push(
      setTimeout(() => {
        if (!conn.actor) this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'authentication timeout');
      }, LIVE_AUTH_TIMEOUT_MS),
    );
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data: Buffer, isBinary: boolean) => void this.onMessage(conn, data, isBinary));
  }

  handleDisconnect(ws: WebSocket): void {
    const conn = this.connections.get(ws);
    if (!conn) return;
    this.connections.delete(ws);
    for (const t of conn.timers) clearTimeout(t);
    this.registry.remove(conn);
  }

  private async onMessage(conn: Connection, data: Buffer, isBinary: boolean): Promise<void> {
    conn.alive = true;
    const msg = isBinary ? null : parseLiveClientMessage(data.toString('utf8'));
    if (!msg) return this.close(conn, LIVE_CLOSE.PROTOCOL, 'bad message');
    if (msg.type === 'ping') {
      if (conn.actor) this.send(conn, { type: 'pong' });
      else this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'authenticate first');
      return;
    }
    // `auth`: once, first.
    if (conn.actor || conn.authenticating) return this.close(conn, LIVE_CLOSE.PROTOCOL, 'already authenticated');
    conn.authenticating = true;
    let actor: Actor;
    let scope: OrderScope;
    try {
      actor = await actorOfBearer(this.jwt, this.users, `Bearer ${msg.token}`);
      scope = await this.workOrders.scopeOf(actor);
    } catch {
      return this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'invalid or expired token');
    }
    if (!this.connections.has(conn.ws)) return; // closed while we checked
    const exp = (this.jwt.decode<{ exp?: number }>(msg.token) ?? {}).exp ?? 0;
    conn.actor = actor;
    conn.userId = actor.userId;
    conn.scope = scope;
    conn.token = msg.token;
    conn.exp = exp;
    conn.authenticating = false;
    for (const old of this.registry.add(conn)) this.close(old, LIVE_CLOSE.TOO_MANY, 'too many connections');
    const left = exp * 1000 - Date.now();
    if (left < MAX_TIMER_MS) {
      conn.timers.push(setTimeout(() => this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'token expired'), left));
    }
    this.send(conn, { type: 'ready', heartbeatMs: this.config.live.heartbeatMs });
  }

  /** A committed change: tell every socket of this process that may see the order. */
  deliver(n: OrderNotice): void {
    for (const [conn, kind] of this.registry.recipients(n)) {
      if (kind === 'changed') {
        this.send(conn, {
          type: 'order.changed',
          orderId: n.order.id,
          status: n.order.status as Extract<LiveServerMessage, { type: 'order.changed' }>['status'],
          version: n.order.version,
        });
      } else {
        this.send(conn, { type: 'order.left', orderId: n.order.id });
      }
    }
  }

  private resyncAll(): void {
    for (const conn of this.registry.all()) this.send(conn, { type: 'resync' });
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    for (const conn of [...this.connections.values()]) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.ws.terminate();
        continue;
      }
      if (conn.actor && conn.exp * 1000 <= now) this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'token expired');
    }
    // Check each socket's token again as a request would (expired, revoked, user deactivated or
    // role changed → closed); bindings and communities → new scope.
    for (const conn of this.registry.all()) {
      try {
        let actor: Actor;
        try {
          actor = await actorOfBearer(this.jwt, this.users, `Bearer ${conn.token}`);
        } catch {
          this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'token no longer valid');
          continue;
        }
        if (!this.registry.has(conn)) continue;
        if (actor.userId !== conn.userId || actor.role !== conn.actor?.role) {
          this.close(conn, LIVE_CLOSE.UNAUTHENTICATED, 'user changed');
          continue;
        }
        conn.actor = actor;
        const scope = await this.workOrders.scopeOf(actor);
        if (this.registry.has(conn)) this.registry.rescope(conn, scope);
      } catch (e) {
        this.logger.warn(`live re-check of user ${conn.userId} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private send(conn: Connection, msg: LiveServerMessage): void {
    const ws = conn.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(msg));
  }

  private close(conn: Connection, code: number, reason: string): void {
    this.registry.remove(conn);
    conn.actor = null;
    const ws = conn.ws;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  }

  beforeApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const conn of this.connections.values()) this.close(conn, LIVE_CLOSE.GOING_AWAY, 'server shutting down');
  }

  onModuleDestroy(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}

/**
 * The client side of the live-updates socket (docs/api.md "Live updates"), for any front end:
 * one connection per app, opened while someone listens, authenticated with the token in its
 * first message, kept alive with pings (reconnect when silent for two heartbeats), reopened
 * with backoff after a drop and not after 4401/4429 until the token changes. The socket itself
 * comes from a `LiveTransport`: Taro.connectSocket in the mini-program, the browser's WebSocket
 * in the console. No framework here.
 */
import {
  LIVE_CLOSE,
  LIVE_PATH,
  parseLiveServerMessage,
  type LiveClientMessage,
  type LiveServerMessage,
} from './live.js';

/** What the connection needs of a socket. */
export interface LiveSocketLike {
  send(text: string): void;
  close(code?: number): void;
  onOpen(cb: () => void): void;
  onMessage(cb: (text: unknown) => void): void;
  /** With the server's close code (1006 when the connection just died). */
  onClose(cb: (code: number) => void): void;
}

/** Opens a socket (rejects when it cannot even start). */
export type LiveTransport = (url: string) => Promise<LiveSocketLike>;

export type LiveListener = (msg: LiveServerMessage) => void;
/** Told when the socket becomes usable (`ready` from the server) or stops being so. */
export type LiveStateListener = (ready: boolean) => void;

// The host's timers: browsers, WeChat and Node all have them; this package names no platform
// (its build has no DOM or Node types), so they are declared here, as globals.
declare function setTimeout(cb: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function setInterval(cb: () => void, ms: number): unknown;
declare function clearInterval(handle: unknown): void;

/** Backoff between reconnects: 1 s doubling to 30 s, with jitter so clients do not reconnect in step. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Close the socket this long after the last listener left (navigating between pages). */
const IDLE_CLOSE_MS = 10_000;

/** The socket URL for an API base (`https://host` → `wss://host/api/live`), or for a page's origin. */
export function liveUrlFor(apiBase: string, page?: { protocol: string; host: string }): string | null {
  if (apiBase) return apiBase.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`) + LIVE_PATH;
  if (!page?.host) return null;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}${LIVE_PATH}`;
}

export class LiveConnection {
  private socket: LiveSocketLike | null = null;
  private token: string | null = null;
  private ready = false;
  private readonly listeners = new Set<LiveListener>();
  private readonly stateListeners = new Set<LiveStateListener>();
  private attempt = 0;
  /** The token the server refused for good (4401/4429): no reconnects until it changes. */
  private refused: string | null = null;
  private retryTimer: unknown = null;
  private idleTimer: unknown = null;
  private pingTimer: unknown = null;
  private lastHeard = 0;
  private heartbeatMs = 25_000;
  private generation = 0;

  constructor(
    private readonly transport: LiveTransport,
    private readonly url: () => string | null,
    private readonly tokenOf: () => string | null,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Listen to notices (and to the socket's state); returns the unsubscribe. */
  subscribe(listener: LiveListener, onState?: LiveStateListener): () => void {
    this.listeners.add(listener);
    if (onState) this.stateListeners.add(onState);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // Another user signed in on this device: the socket must speak for the new token.
    if (this.socket && this.token !== this.tokenOf()) this.drop();
    this.ensure();
    return () => {
      this.listeners.delete(listener);
      if (onState) this.stateListeners.delete(onState);
      if (!this.listeners.size && !this.idleTimer) {
        this.idleTimer = setTimeout(() => {
          this.idleTimer = null;
          if (!this.listeners.size) this.drop();
        }, IDLE_CLOSE_MS);
      }
    };
  }

  /** Open a socket if someone listens, none is open or waiting, and the server has not refused this token. */
  private ensure(): void {
    if (this.socket || this.retryTimer || !this.listeners.size) return;
    const token = this.tokenOf();
    const url = this.url();
    if (!token || !url || this.refused === token) return;
    this.refused = null;
    void this.open(url, token);
  }

  private async open(url: string, token: string): Promise<void> {
    const generation = ++this.generation;
    this.token = token;
    let socket: LiveSocketLike;
    try {
      socket = await this.transport(url);
    } catch {
      if (generation === this.generation) this.retry();
      return;
    }
    if (generation !== this.generation) {
      socket.close(1000); // dropped while connecting
      return;
    }
    this.socket = socket;
    socket.onOpen(() => {
      if (generation !== this.generation) return;
      this.lastHeard = Date.now();
      this.send({ type: 'auth', token });
    });
    socket.onMessage((text) => {
      if (generation !== this.generation || typeof text !== 'string') return;
      this.lastHeard = Date.now();
      const msg = parseLiveServerMessage(text);
      if (msg) this.onMessage(msg);
    });
    socket.onClose((code) => {
      if (generation === this.generation) this.onClosed(code);
    });
  }

  private onMessage(msg: LiveServerMessage): void {
    if (msg.type === 'ready') {
      this.attempt = 0;
      this.heartbeatMs = msg.heartbeatMs;
      this.startPings();
      this.setReady(true);
      return;
    }
    if (msg.type === 'pong') return;
    for (const l of [...this.listeners]) l(msg);
  }

  private onClosed(code: number): void {
    this.socket = null;
    this.stopPings();
    this.setReady(false);
    if (code === LIVE_CLOSE.UNAUTHENTICATED || code === LIVE_CLOSE.TOO_MANY) {
      // Not until the user signs in again (or, for TOO_MANY, another token): the pages poll.
      this.refused = this.token;
      return;
    }
    this.retry();
  }

  private retry(): void {
    if (this.retryTimer || !this.listeners.size) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.ensure();
    }, delay);
  }

  /** Ping every heartbeat; a socket silent for two heartbeats is dead (a phone left the network). */
  private startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * this.heartbeatMs + 5000) {
        this.drop();
        this.retry();
        return;
      }
      this.send({ type: 'ping' });
    }, this.heartbeatMs);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private send(msg: LiveClientMessage): void {
    try {
      this.socket?.send(JSON.stringify(msg));
    } catch {
      /* closing: the close event follows */
    }
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    for (const l of [...this.stateListeners]) l(ready);
  }

  /** Close the socket on our side (idle, token change, dead): no reconnect from its close event. */
  private drop(): void {
    this.generation += 1;
    const socket = this.socket;
    this.socket = null;
    this.stopPings();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setReady(false);
    try {
      socket?.close(1000);
    } catch {
      /* already closed */
    }
  }
}

/** An order notice (not `ready`/`resync`/`pong`). */
export type LiveOrderNotice = Extract<LiveServerMessage, { orderId: number }>;

/**
 * What a page does with the socket (the mini-program's and the console's `useLive`): `refresh`
 * runs, debounced, on a relevant order notice (default: any), on `resync`, and once when the
 * socket comes back after a drop (notices meanwhile were missed); not when it first opens: the
 * page has just loaded, and a refetch then could land after, and undo, an action taken
 * meanwhile. `onReady` hears every state change. Returns the unsubscribe.
 */
export function followLive(
  connection: LiveConnection,
  handlers: {
    refresh: () => void;
    relevant?: () => ((msg: LiveOrderNotice) => boolean) | undefined;
    onReady?: (ready: boolean) => void;
  },
  debounceMs = 250,
): () => void {
  let debounce: unknown = null;
  let wasReady = connection.isReady;
  let hadBeenReady = wasReady;
  const run = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      handlers.refresh();
    }, debounceMs);
  };
  const unsubscribe = connection.subscribe(
    (msg) => {
      if (msg.type === 'resync') return run();
      if ('orderId' in msg && (handlers.relevant?.()?.(msg) ?? true)) run();
    },
    (isReady) => {
      handlers.onReady?.(isReady);
      if (isReady && !wasReady && hadBeenReady) run();
      if (isReady) hadBeenReady = true;
      wasReady = isReady;
    },
  );
  return () => {
    unsubscribe();
    if (debounce) clearTimeout(debounce);
  };
}

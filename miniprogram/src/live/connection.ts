/**
 * The app's one live-updates socket (docs/api.md "Live updates"): opened while some page listens
 * (`useLive`), authenticated with the stored token in its first message (never in the URL, so no
 * access log holds it; WeChat could send a header, browsers cannot, so both do the same), kept
 * alive with pings, and reopened with backoff after a drop. Pages only hear "this order changed"
 * and refetch over REST.
 */
import Taro from '@tarojs/taro';
import {
  LIVE_CLOSE,
  LIVE_PATH,
  parseLiveServerMessage,
  type LiveClientMessage,
  type LiveServerMessage,
} from '@linli/shared';
import { appConfig } from '../services/config';
import { storage } from '../services/storage';

export type LiveListener = (msg: LiveServerMessage) => void;
/** Told when the socket becomes usable (`ready` from the server) or stops being so. */
export type LiveStateListener = (ready: boolean) => void;

/** Backoff between reconnects: 1 s doubling to 30 s, with jitter so clients do not reconnect in step. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** Close the socket this long after the last page stopped listening (navigating between pages). */
const IDLE_CLOSE_MS = 10_000;

/** The socket URL for the API base: wss:// for https, ws:// for http; the page's own host on H5. */
export function liveUrl(apiBase = appConfig.apiBase): string | null {
  if (apiBase) return apiBase.replace(/^http(s?):\/\//i, (_m, s: string) => `ws${s}://`) + LIVE_PATH;
  if (typeof location === 'undefined' || !location.host) return null;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${LIVE_PATH}`;
}

type Task = Taro.SocketTask & { ws?: WebSocket };

export class LiveConnection {
  private task: Task | null = null;
  private token: string | null = null;
  private ready = false;
  private readonly listeners = new Set<LiveListener>();
  private readonly stateListeners = new Set<LiveStateListener>();
  private attempt = 0;
  /** Why the server refused us for good (until the token changes): no reconnects meanwhile. */
  private refused: { token: string | null; code: number } | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private heartbeatMs = 25_000;
  private generation = 0;

  constructor(
    private readonly url: () => string | null = () => liveUrl(),
    private readonly tokenOf: () => string | null = () => storage.token(),
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
    // Another user logged in on this device: the socket must speak for the new token.
    if (this.task && this.token !== this.tokenOf()) this.drop();
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
    if (this.task || this.retryTimer || !this.listeners.size) return;
    const token = this.tokenOf();
    const url = this.url();
    if (!token || !url) return;
    if (this.refused && this.refused.token === token) return;
    this.refused = null;
    void this.open(url, token);
  }

  private async open(url: string, token: string): Promise<void> {
    const generation = ++this.generation;
    this.token = token;
    let task: Task;
    try {
      task = (await Taro.connectSocket({ url })) as Task;
    } catch {
      if (generation === this.generation) this.retry();
      return;
    }
    if (generation !== this.generation) {
      // Dropped while connecting.
      void Promise.resolve(task.close({})).catch(() => undefined);
      return;
    }
    this.task = task;
    let closeCode: number | null = null;
    // H5: Taro's onClose reports 1006 whatever the server said; the browser's own event has the code.
    task.ws?.addEventListener?.('close', (e: CloseEvent) => (closeCode = e.code));
    task.onOpen(() => {
      if (generation !== this.generation) return;
      this.lastHeard = Date.now();
      this.send({ type: 'auth', token });
    });
    task.onMessage((res: { data: unknown }) => {
      if (generation !== this.generation || typeof res.data !== 'string') return;
      this.lastHeard = Date.now();
      const msg = parseLiveServerMessage(res.data);
      if (msg) this.onMessage(msg);
    });
    task.onError(() => undefined);
    task.onClose((res: { code: number }) => {
      if (generation !== this.generation) return;
      this.onClosed(closeCode ?? res.code);
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
    this.task = null;
    this.stopPings();
    this.setReady(false);
    if (code === LIVE_CLOSE.UNAUTHENTICATED || code === LIVE_CLOSE.TOO_MANY) {
      // Not until the user logs in again (or, for TOO_MANY, another token): the pages poll.
      this.refused = { token: this.token, code };
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
      // H5 answers a promise, weapp nothing: either way a failed send shows as a close.
      void Promise.resolve(this.task?.send({ data: JSON.stringify(msg) })).catch(() => undefined);
    } catch {
      /* closing */
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
    const task = this.task;
    this.task = null;
    this.stopPings();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setReady(false);
    if (task) void Promise.resolve(task.close({ code: 1000 })).catch(() => undefined);
  }
}

/** The app's connection. */
export const live = new LiveConnection();

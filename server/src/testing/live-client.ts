import { LIVE_PATH, parseLiveServerMessage, type LiveServerMessage } from '@linli/shared';
import { WebSocket } from 'ws';

/**
 * A live-updates socket as a page holds it, for tests and benchmarks: keeps every message in
 * order, waits for the next one that matches, and tells how the server closed it.
 */
export class LiveTestClient {
  readonly messages: LiveServerMessage[] = [];
  /** Close code and reason once closed. */
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = parseLiveServerMessage(data.toString('utf8'));
      if (msg) this.messages.push(msg);
      this.wake();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /**
   * Open a socket to the server at `baseUrl` (http://host:port); `autoPong: false` plays a dead
   * peer; `path` another path than the live one (with a query, say).
   */
  static async open(baseUrl: string, opts: { autoPong?: boolean; path?: string } = {}): Promise<LiveTestClient> {
    const url = baseUrl.replace(/^http/, 'ws') + (opts.path ?? LIVE_PATH);
    const ws = new WebSocket(url, { autoPong: opts.autoPong ?? true });
    const client = new LiveTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Open and authenticate; resolves once the server said `ready`. */
  static async signedIn(baseUrl: string, token: string): Promise<LiveTestClient> {
    const c = await LiveTestClient.open(baseUrl);
    c.send({ type: 'auth', token });
    await c.next((m) => m.type === 'ready');
    return c;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Messages about one order, in arrival order. */
  about(orderId: number): LiveServerMessage[] {
    return this.messages.filter((m) => 'orderId' in m && m.orderId === orderId);
  }

  /**
   * The first message from index `from` on that matches; waits for it (until `timeoutMs`, which
   * only bounds a failing test) and fails if the socket closes first.
   */
  async next(
    match: (m: LiveServerMessage) => boolean,
    opts: { from?: number; timeoutMs?: number } = {},
  ): Promise<LiveServerMessage> {
    const from = opts.from ?? 0;
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before the message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await this.wait(left);
    }
  }

  /** Resolves with the close code once the server closed the socket. */
  async closure(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('socket still open');
      await this.wait(left);
    }
    return this.closed;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}

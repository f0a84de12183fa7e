// A stand-in for the live-updates server behind Taro.connectSocket: every socket opens on the
// next tick after the client listens and, once it has sent a well-formed auth message, is answered `ready`. Tests push
// notices with `notify`, or drop sockets with `closeAll`. Installed for every test file by
// setup.ts, so pages that listen (useLive) never reach for jsdom's network.
import Taro from '@tarojs/taro';
import type { LiveServerMessage } from '@linli/shared';

type Handler<T> = (arg: T) => void;

export class FakeSocket {
  readonly sent: unknown[] = [];
  readyState = 0;
  private onOpenFn: Handler<unknown> = () => undefined;
  private onMessageFn: Handler<{ data: string }> = () => undefined;
  private onCloseFn: Handler<{ code: number; reason: string }> = () => undefined;

  constructor(
    readonly url: string,
    private readonly server: FakeLiveServer,
  ) {}

  /** Opens on the next tick once the client listens for it (as a real socket would, later). */
  onOpen(fn: Handler<unknown>) {
    this.onOpenFn = fn;
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onOpenFn({});
    }, 0);
  }
  onMessage(fn: Handler<{ data: string }>) {
    this.onMessageFn = fn;
  }
  onClose(fn: Handler<{ code: number; reason: string }>) {
    this.onCloseFn = fn;
  }
  onError() {}

  send({ data }: { data: string }) {
    const msg = JSON.parse(data) as { type: string; token?: string };
    this.sent.push(msg);
    if (msg.type === 'auth') {
      if (this.server.refuseWith !== null) setTimeout(() => this.closeFromServer(this.server.refuseWith!), 0);
      else setTimeout(() => this.push({ type: 'ready', heartbeatMs: 25_000 }), 0);
    }
    return Promise.resolve({ errMsg: 'sendSocketMessage:ok' });
  }

  close() {
    if (this.readyState >= 2) return Promise.resolve({ errMsg: 'closeSocket:ok' });
    this.readyState = 3;
    this.onCloseFn({ code: 1000, reason: '' });
    return Promise.resolve({ errMsg: 'closeSocket:ok' });
  }

  push(msg: LiveServerMessage) {
    if (this.readyState === 1) this.onMessageFn({ data: JSON.stringify(msg) });
  }

  closeFromServer(code: number) {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.onCloseFn({ code, reason: '' });
  }
}

export class FakeLiveServer {
  readonly sockets: FakeSocket[] = [];
  /** A close code to refuse every auth with (null: accept). */
  refuseWith: number | null = null;

  install(): this {
    (Taro as unknown as { connectSocket: unknown }).connectSocket = ({ url }: { url: string }) => {
      const s = new FakeSocket(url, this);
      this.sockets.push(s);
      return Promise.resolve(s);
    };
    return this;
  }

  get open(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  /** Send a notice on every open socket. */
  notify(msg: LiveServerMessage): void {
    for (const s of this.open) s.push(msg);
  }

  closeAll(code = 1006): void {
    for (const s of this.open) s.closeFromServer(code);
  }
}

let installed: FakeLiveServer | null = null;

/** The fake every test file starts with (setup.ts). */
export function fakeLive(): FakeLiveServer {
  installed ??= new FakeLiveServer().install();
  return installed;
}

import { LIVE_CLOSE } from '@linli/shared';
import { FakeLiveServer } from '../../test/fake-live';
import { liveUrl, taroLiveConnection } from './connection';

const flush = async () => {
  for (let i = 0; i < 5; i++) {
    jest.advanceTimersByTime(1);
    await Promise.resolve();
  }
};

describe('the live connection', () => {
  let server: FakeLiveServer;
  let token: string | null;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    server = new FakeLiveServer().install();
    token = 'tok-1';
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const connection = () =>
    taroLiveConnection(
      () => 'ws://server/api/live',
      () => token,
    );

  it('builds the socket URL from the API base, or from the page on H5', () => {
    expect(liveUrl('https://api.example.cn')).toBe('wss://api.example.cn/api/live');
    expect(liveUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/api/live');
    expect(liveUrl('')).toBe('ws://127.0.0.1:10086/api/live');
  });

  it('opens when a page listens, authenticates in its first message, and hands notices on', async () => {
    const c = connection();
    const heard: unknown[] = [];
    const states: boolean[] = [];
    c.subscribe(
      (m) => heard.push(m),
      (r) => states.push(r),
    );
    await flush();
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0].url).toBe('ws://server/api/live');
    expect(server.sockets[0].sent[0]).toEqual({ type: 'auth', token: 'tok-1' });
    expect(c.isReady).toBe(true);
    expect(states).toEqual([true]);
    server.notify({ type: 'order.changed', orderId: 7, status: 'accepted', version: 3 });
    expect(heard).toEqual([{ type: 'order.changed', orderId: 7, status: 'accepted', version: 3 }]);
  });

  it('reconnects with growing delays after drops, and tells its listeners', async () => {
    // The jitter at its top: each delay is its full backoff step (1 s, then 2 s).
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const c = connection();
    const states: boolean[] = [];
    c.subscribe(
      () => undefined,
      (r) => states.push(r),
    );
    await flush();
    server.closeAll(1006);
    expect(states).toEqual([true, false]);
    // The first retry comes within a second, not at once.
    await flush();
    expect(server.sockets).toHaveLength(1);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(server.sockets).toHaveLength(2);
    expect(states).toEqual([true, false, true]);
    // Refused at the door (the server is restarting): the next waits longer (2 s).
    server.refuseWith = 1011;
    server.closeAll(1006);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(server.sockets).toHaveLength(3);
    jest.advanceTimersByTime(999);
    await flush();
    expect(server.sockets).toHaveLength(3);
    jest.advanceTimersByTime(3000);
    await flush();
    expect(server.sockets).toHaveLength(4);
  });

  it('does not reconnect after 4401 (log in again) or 4429 (too many sockets) until the token changes', async () => {
    server.refuseWith = LIVE_CLOSE.UNAUTHENTICATED;
    const c = connection();
    const off = c.subscribe(() => undefined);
    await flush();
    jest.advanceTimersByTime(60_000);
    await flush();
    expect(server.sockets).toHaveLength(1);
    expect(c.isReady).toBe(false);
    off();
    server.refuseWith = null;
    token = 'tok-2';
    c.subscribe(() => undefined);
    await flush();
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[1].sent[0]).toEqual({ type: 'auth', token: 'tok-2' });
    expect(c.isReady).toBe(true);
  });

  it('closes the socket a while after the last page stopped listening, and pings while open', async () => {
    const c = connection();
    const off = c.subscribe(() => undefined);
    await flush();
    jest.advanceTimersByTime(25_000);
    expect(server.sockets[0].sent).toContainEqual({ type: 'ping' });
    off();
    jest.advanceTimersByTime(9_000);
    expect(server.sockets[0].readyState).toBe(1);
    jest.advanceTimersByTime(2_000);
    expect(server.sockets[0].readyState).toBe(3);
  });
});

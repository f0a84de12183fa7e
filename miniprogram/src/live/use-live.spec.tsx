import { act, render } from '@testing-library/react';
import { LIVE_CLOSE } from '@linli/shared';
import { FakeLiveServer } from '../../test/fake-live';
import { taroLiveConnection, type LiveConnection } from './connection';
import { LIVE_POLL_MS, useLive, type LiveOptions } from './use-live';

function Page(props: { refetch: () => void; opts?: LiveOptions }) {
  const { live } = useLive(props.refetch, props.opts);
  return <div data-testid="state">{live ? 'live' : 'polling'}</div>;
}

const tick = async (ms: number) => {
  await act(async () => {
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(1);
      await Promise.resolve();
    }
    jest.advanceTimersByTime(ms);
    await Promise.resolve();
  });
};

describe('useLive', () => {
  let server: FakeLiveServer;
  let connection: LiveConnection;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // the reconnect jitter, fixed
    server = new FakeLiveServer().install();
    connection = taroLiveConnection(
      () => 'ws://server/api/live',
      () => 'tok',
    );
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('refetches once for a burst of relevant notices, not for others, and on resync', async () => {
    const refetch = jest.fn();
    const { getByTestId } = render(<Page refetch={refetch} opts={{ connection, relevant: (m) => m.orderId === 7 }} />);
    await tick(0);
    expect(getByTestId('state').textContent).toBe('live');
    // The page has just loaded: the socket's first `ready` does not refetch (only a comeback does).
    expect(refetch).not.toHaveBeenCalled();
    act(() => {
      server.notify({ type: 'order.changed', orderId: 7, status: 'accepted', version: 3 });
      server.notify({ type: 'order.changed', orderId: 7, status: 'on_the_way', version: 4 });
      server.notify({ type: 'order.changed', orderId: 8, status: 'accepted', version: 2 });
    });
    await tick(300);
    expect(refetch).toHaveBeenCalledTimes(1);
    act(() => server.notify({ type: 'order.changed', orderId: 8, status: 'closed', version: 9 }));
    await tick(300);
    expect(refetch).toHaveBeenCalledTimes(1);
    act(() => server.notify({ type: 'order.left', orderId: 7 }));
    await tick(300);
    expect(refetch).toHaveBeenCalledTimes(2);
    act(() => server.notify({ type: 'resync' }));
    await tick(300);
    expect(refetch).toHaveBeenCalledTimes(3);
  });

  it('polls every 15 s while the socket is down, and stops once it is back', async () => {
    const refetch = jest.fn();
    const { getByTestId } = render(<Page refetch={refetch} opts={{ connection }} />);
    await tick(0);
    refetch.mockClear();
    act(() => server.closeAll(1006));
    expect(getByTestId('state').textContent).toBe('polling');
    server.refuseWith = 1011; // the server is not taking sockets for now
    await tick(LIVE_POLL_MS);
    expect(refetch.mock.calls.length).toBeGreaterThanOrEqual(1);
    const polled = refetch.mock.calls.length;
    await tick(LIVE_POLL_MS);
    expect(refetch.mock.calls.length).toBeGreaterThan(polled);
    // Back: one refetch for what was missed, then no more polling.
    server.refuseWith = null;
    await tick(40_000);
    expect(getByTestId('state').textContent).toBe('live');
    const back = refetch.mock.calls.length;
    await tick(LIVE_POLL_MS * 3);
    expect(refetch.mock.calls.length).toBe(back);
  });

  it('falls back to polling for good when the server refuses the token', async () => {
    server.refuseWith = LIVE_CLOSE.UNAUTHENTICATED;
    const refetch = jest.fn();
    render(<Page refetch={refetch} opts={{ connection }} />);
    await tick(0);
    await tick(LIVE_POLL_MS);
    await tick(LIVE_POLL_MS);
    expect(refetch).toHaveBeenCalledTimes(2);
    expect(server.sockets).toHaveLength(1);
  });
});

import { parseLiveClientMessage, parseLiveServerMessage } from './live.js';

describe('live socket messages', () => {
  it('accepts the two client messages and nothing else', () => {
    expect(parseLiveClientMessage('{"type":"auth","token":"a.b.c"}')).toEqual({ type: 'auth', token: 'a.b.c' });
    expect(parseLiveClientMessage('{"type":"ping","extra":1}')).toEqual({ type: 'ping' });
    for (const bad of ['', 'null', '[]', '"auth"', '{"type":"auth"}', '{"type":"auth","token":""}', '{"type":"x"}']) {
      expect(parseLiveClientMessage(bad)).toBeNull();
    }
    expect(parseLiveClientMessage(JSON.stringify({ type: 'auth', token: 'x'.repeat(2049) }))).toBeNull();
  });

  it('reads the server messages and drops unknown or malformed ones', () => {
    expect(parseLiveServerMessage('{"type":"order.changed","orderId":3,"status":"accepted","version":4}')).toEqual({
      type: 'order.changed',
      orderId: 3,
      status: 'accepted',
      version: 4,
    });
    expect(parseLiveServerMessage('{"type":"order.left","orderId":3}')).toEqual({ type: 'order.left', orderId: 3 });
    expect(parseLiveServerMessage('{"type":"ready","heartbeatMs":1000}')).toEqual({ type: 'ready', heartbeatMs: 1000 });
    expect(parseLiveServerMessage('{"type":"resync"}')).toEqual({ type: 'resync' });
    expect(parseLiveServerMessage('{"type":"order.changed","orderId":"3"}')).toBeNull();
    expect(parseLiveServerMessage('{"type":"something.new"}')).toBeNull();
    expect(parseLiveServerMessage('garbage')).toBeNull();
  });
});

import { compareQueue, sortQueue } from './queue-order.js';
import { travelMinutes, UNKNOWN_TRAVEL_MIN } from './geo.js';

describe('queue order', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it('pins a 22-minutes-overdue P1 above a P3 overdue by four days', () => {
    const lift = { id: 1, priority: 'P3' as const, dueAt: now - 4 * 86_400_000 };
    const pipe = { id: 2, priority: 'P1' as const, dueAt: now - 22 * 60_000 };
    expect(sortQueue([lift, pipe]).map((o) => o.id)).toEqual([2, 1]);
  });
  it('orders P1 before P2, then the rest by deadline, no deadline last, then id', () => {
    const items = [
      { id: 5, priority: 'P4' as const, dueAt: null },
      { id: 4, priority: 'P3' as const, dueAt: new Date(now + 60_000) },
      { id: 3, priority: 'P4' as const, dueAt: new Date(now).toISOString() },
      { id: 2, priority: 'P2' as const, dueAt: now - 1 },
      { id: 1, priority: 'P1' as const, dueAt: now + 999_999 },
      { id: 0, priority: 'P3' as const, dueAt: null },
    ];
    expect(sortQueue(items).map((o) => o.id)).toEqual([1, 2, 3, 4, 0, 5]);
    expect(compareQueue(items[0], items[0])).toBe(0);
  });
});

describe('travelMinutes', () => {
  it('costs the overhead on the spot, grows with distance, and assumes a default when unknown', () => {
    expect(travelMinutes(0)).toBe(5);
    expect(travelMinutes(2.5)).toBe(15);
    expect(travelMinutes(null)).toBe(UNKNOWN_TRAVEL_MIN);
    expect(travelMinutes(Number.NaN)).toBe(UNKNOWN_TRAVEL_MIN);
  });
});

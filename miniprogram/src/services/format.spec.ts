import { formatDuration, newIdempotencyKey, slaText, yuan } from './format';

describe('format', () => {
  it('prints durations in Chinese units', () => {
    expect(formatDuration(45 * 60000)).toBe('45分钟');
    expect(formatDuration(125 * 60000)).toBe('2小时5分');
    expect(formatDuration((26 * 60 + 3) * 60000)).toBe('1天2小时');
  });

  it('tells time left and time overdue', () => {
    const now = Date.parse('2026-11-27T08:00:00Z');
    expect(slaText('2026-11-27T09:30:00Z', now)).toEqual({ text: '剩余 1小时30分', late: false });
    expect(slaText('2026-11-27T07:40:00Z', now)).toEqual({ text: '已超时 20分钟', late: true });
    expect(slaText(null, now)).toBeNull();
  });

  it('turns fen into yuan', () => {
    expect(yuan(10050)).toBe('¥100.50');
    expect(yuan(0)).toBe('¥0.00');
  });

  it('makes idempotency keys the server accepts, different each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});

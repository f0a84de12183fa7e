import { slotWindow, visitWindowOf, visitWindowProblem, visitWindowText } from './visit-window.js';

describe('visit windows', () => {
  // 2026-12-03 10:00 in China.
  const now = new Date('2026-12-03T02:00:00Z');

  it('turns 今天下午 / 明天上午 into China-local windows at filing time', () => {
    expect(visitWindowOf('今天下午', now)).toEqual({
      from: '2026-12-03T06:00:00.000Z',
      to: '2026-12-03T10:00:00.000Z',
    });
    expect(visitWindowOf('明天上午', now)).toEqual({
      from: '2026-12-04T01:00:00.000Z',
      to: '2026-12-04T04:00:00.000Z',
    });
    expect(visitWindowOf('尽快上门', now)).toBeNull();
    expect(visitWindowOf(null, now)).toBeNull();
  });

  it('says the window in Chinese, relative to today', () => {
    expect(visitWindowText(slotWindow('20261203', 'afternoon'), now)).toBe('今天 14:00–18:00');
    expect(visitWindowText(slotWindow('20261204', 'morning'), now)).toBe('明天 09:00–12:00');
    expect(visitWindowText(slotWindow('20261210', 'evening'), now)).toBe('12月10日 18:00–21:00');
  });

  it('refuses windows that end first, span more than 12 hours or are over', () => {
    expect(visitWindowProblem(slotWindow('20261203', 'afternoon'), now)).toBeNull();
    expect(visitWindowProblem({ from: '2026-12-03T10:00:00Z', to: '2026-12-03T09:00:00Z' }, now)).toMatch(/after/);
    expect(visitWindowProblem({ from: '2026-12-03T00:00:00Z', to: '2026-12-03T13:00:00Z' }, now)).toMatch(/12 hours/);
    expect(visitWindowProblem({ from: '2026-12-02T00:00:00Z', to: '2026-12-02T03:00:00Z' }, now)).toMatch(/over/);
  });
});

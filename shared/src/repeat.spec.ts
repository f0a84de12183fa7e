import { findRepeatOf, repeatWindowStart, type RepeatCandidate } from './repeat.js';

const day = (n: number) => new Date(Date.UTC(2026, 2, 1) + n * 86_400_000);
const order = (o: Partial<RepeatCandidate>): RepeatCandidate => ({
  id: 1,
  companyId: 1,
  kind: 'repair',
  category: 'plumbing',
  status: 'closed',
  houseId: 10,
  publicAreaId: null,
  closedAt: day(0),
  createdAt: day(-1),
  ...o,
});

describe('repeat detection', () => {
  const fresh = order({ id: 9, status: 'submitted', closedAt: null, createdAt: day(20) });

  it('links the latest closed order of the same place and category within 30 days', () => {
    const earlier = [order({ id: 1, closedAt: day(0) }), order({ id: 2, closedAt: day(5) })];
    expect(findRepeatOf(fresh, earlier)).toBe(2);
  });

  it('ignores other places, categories, companies, kinds, open orders and the window edge', () => {
    const earlier = [
      order({ id: 2, houseId: 11 }),
      order({ id: 3, category: 'electric' }),
      order({ id: 4, companyId: 2 }),
      order({ id: 5, kind: 'suggestion' }),
      order({ id: 6, status: 'completed' }),
      order({ id: 7, closedAt: new Date(repeatWindowStart(fresh.createdAt).getTime() - 1) }),
    ];
    expect(findRepeatOf(fresh, earlier)).toBeNull();
    expect(findRepeatOf({ ...fresh, kind: 'suggestion' }, [order({})])).toBeNull();
  });

  it('matches a public area by the area, not by an empty house', () => {
    const area = { ...fresh, houseId: null, publicAreaId: 3 };
    expect(findRepeatOf(area, [order({ id: 4, houseId: null, publicAreaId: 3 }), order({ id: 5 })])).toBe(4);
  });
});

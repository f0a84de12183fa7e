import {
  billBlocksClose,
  billDueFen,
  flaggedLines,
  planBill,
  priceQuote,
  quoteActionRefusal,
  quoteNeedsSupervisor,
} from './billing.js';

const LIST = [
  { id: 1, kind: 'labour' as const, name: '上门费', unit: '次', priceFen: 3000 },
  { id: 2, kind: 'material' as const, name: '入户门锁芯', unit: '个', priceFen: 12000 },
];

describe('priceQuote', () => {
  it('prices list lines from the list, server-side, in fen', () => {
    const r = priceQuote(
      [
        { priceItemId: 1, quantity: 1 },
        { priceItemId: 2, quantity: 2, unitPriceFen: 999_999 },
      ],
      LIST,
    );
    expect(r.ok).toBe(false);
    const ok = priceQuote(
      [
        { priceItemId: 1, quantity: 1 },
        { priceItemId: 2, quantity: 2 },
      ],
      LIST,
    );
    expect(ok).toEqual({
      ok: true,
      totalFen: 3000 + 24000,
      lines: [
        {
          priceItemId: 1,
          kind: 'labour',
          name: '上门费',
          unit: '次',
          quantity: 1,
          unitPriceFen: 3000,
          listPriceFen: 3000,
          amountFen: 3000,
          flag: null,
          reason: null,
        },
        {
          priceItemId: 2,
          kind: 'material',
          name: '入户门锁芯',
          unit: '个',
          quantity: 2,
          unitPriceFen: 12000,
          listPriceFen: 12000,
          amountFen: 24000,
          flag: null,
          reason: null,
        },
      ],
    });
  });

  it('a line above the list price needs a reason and is flagged', () => {
    expect(priceQuote([{ priceItemId: 2, quantity: 1, unitPriceFen: 999_999 }], LIST)).toEqual({
      ok: false,
      error: { code: 'QUOTE_REASON_REQUIRED', line: 0, flag: 'over_list' },
    });
    const r = priceQuote([{ priceItemId: 2, quantity: 1, unitPriceFen: 15000, reason: '进口锁芯' }], LIST);
    expect(r.ok && r.lines[0]).toMatchObject({
      flag: 'over_list',
      reason: '进口锁芯',
      listPriceFen: 12000,
      amountFen: 15000,
    });
    expect(r.ok && flaggedLines(r.lines)).toHaveLength(1);
    // Below the list is no warning (and keeps no reason).
    const cheaper = priceQuote([{ priceItemId: 2, quantity: 1, unitPriceFen: 10000, reason: 'x' }], LIST);
    expect(cheaper.ok && cheaper.lines[0]).toMatchObject({ flag: null, reason: null });
  });

  it('a line off the list needs a reason, its own name, unit and price, and is flagged', () => {
    expect(
      priceQuote([{ kind: 'material', name: '特制铰链', unit: '个', quantity: 1, unitPriceFen: 5000 }], LIST),
    ).toEqual({
      ok: false,
      error: { code: 'QUOTE_REASON_REQUIRED', line: 0, flag: 'off_list' },
    });
    expect(priceQuote([{ kind: 'material', name: '特制铰链', quantity: 1, reason: '老门' }], LIST)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', line: 0 },
    });
    const r = priceQuote(
      [{ kind: 'material', name: ' 特制铰链 ', unit: '个', quantity: 2, unitPriceFen: 5000, reason: '老门' }],
      LIST,
    );
    expect(r.ok && r.lines[0]).toMatchObject({
      priceItemId: null,
      name: '特制铰链',
      flag: 'off_list',
      listPriceFen: null,
      amountFen: 10000,
    });
  });

  it('an item of another community (not in the list given) is refused', () => {
    expect(priceQuote([{ priceItemId: 99, quantity: 1 }], LIST)).toEqual({
      ok: false,
      error: { code: 'QUOTE_ITEM_NOT_ON_LIST', line: 0 },
    });
  });
});

describe('the ceiling and the quote state', () => {
  it('only a total above the ceiling needs the supervisor', () => {
    expect(quoteNeedsSupervisor(50000, null)).toBe(false);
    expect(quoteNeedsSupervisor(50000, 50000)).toBe(false);
    expect(quoteNeedsSupervisor(50001, 50000)).toBe(true);
  });
  it('the resident cannot decide while the supervisor reviews; only a reviewed quote is released', () => {
    expect(quoteActionRefusal('approve_quote', 'supervisor')).toBe('QUOTE_AWAITS_SUPERVISOR');
    expect(quoteActionRefusal('reject_quote', 'supervisor')).toBe('QUOTE_AWAITS_SUPERVISOR');
    expect(quoteActionRefusal('approve_quote', 'resident')).toBeNull();
    expect(quoteActionRefusal('release_quote', 'resident')).toBe('TRANSITION_NOT_ALLOWED');
    expect(quoteActionRefusal('return_quote', 'supervisor')).toBeNull();
  });
});

describe('planBill', () => {
  const quote = priceQuote(
    [
      { priceItemId: 1, quantity: 1 },
      { priceItemId: 2, quantity: 2 },
    ],
    LIST,
  );
  if (!quote.ok) throw new Error('fixture');

  it('bills what was used at the quoted prices', () => {
    expect(
      planBill(quote.lines, quote.totalFen, [
        { line: 0, quantity: 1 },
        { line: 1, quantity: 1 },
      ]),
    ).toEqual({
      ok: true,
      totalFen: 15000,
      lines: [
        {
          priceItemId: 1,
          name: '上门费',
          kind: 'labour',
          unit: '次',
          unitPriceFen: 3000,
          quantity: 1,
          amountFen: 3000,
        },
        {
          priceItemId: 2,
          name: '入户门锁芯',
          kind: 'material',
          unit: '个',
          unitPriceFen: 12000,
          quantity: 1,
          amountFen: 12000,
        },
      ],
    });
  });

  it('never above the approved quote (BILL_OVER_QUOTE), exactly the quote is fine', () => {
    expect(
      planBill(quote.lines, quote.totalFen, [
        { line: 0, quantity: 1 },
        { line: 1, quantity: 2 },
      ]).ok,
    ).toBe(true);
    expect(
      planBill(quote.lines, quote.totalFen, [
        { line: 0, quantity: 2 },
        { line: 1, quantity: 2 },
      ]),
    ).toEqual({
      ok: false,
      error: { code: 'BILL_OVER_QUOTE', totalFen: 30000, approvedQuoteFen: 27000 },
    });
    // The same line twice adds up.
    expect(
      planBill(quote.lines, quote.totalFen, [
        { line: 1, quantity: 2 },
        { line: 1, quantity: 1 },
      ]).ok,
    ).toBe(false);
  });

  it('only lines of the quote', () => {
    expect(planBill(quote.lines, quote.totalFen, [{ line: 2, quantity: 1 }])).toEqual({
      ok: false,
      error: { code: 'BILL_LINE_UNKNOWN', line: 2 },
    });
  });
});

describe('settling', () => {
  it('only an unpaid bill blocks closing', () => {
    expect(billBlocksClose('unpaid')).toBe(true);
    for (const s of ['paid', 'waived', 'free'] as const) expect(billBlocksClose(s)).toBe(false);
    expect(billBlocksClose(null)).toBe(false);
  });
  it('what is owed', () => {
    expect(billDueFen({ status: 'unpaid', totalFen: 15000, paidFen: 5000 })).toBe(10000);
    expect(billDueFen({ status: 'waived', totalFen: 15000, paidFen: 0 })).toBe(0);
  });
});

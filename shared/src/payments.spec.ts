import { describe, expect, it } from '@jest/globals';
import { dueFen, fenToYuanText, formatFen, refundableFen, refundProblem } from './payments.js';

describe('payments', () => {
  it('formats fen without floating point', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(123450)).toBe('¥1,234.50');
    expect(formatFen(-1001)).toBe('-¥10.01');
    expect(fenToYuanText(999999)).toBe('9999.99');
    expect(fenToYuanText(-7)).toBe('-0.07');
  });

  it('refunds never exceed paid minus refunded', () => {
    const p = { amountFen: 1000, refundedFen: 600, status: 'paid' };
    expect(refundableFen(p)).toBe(400);
    expect(refundProblem(p, 400)).toBeNull();
    expect(refundProblem(p, 401)).toBe('too_much');
    expect(refundProblem(p, 0)).toBe('not_positive');
    expect(refundProblem(p, 1.5)).toBe('not_positive');
    expect(refundProblem({ ...p, status: 'pending' }, 1)).toBe('not_paid');
    expect(dueFen({ totalFen: 500, paidFen: 200 })).toBe(300);
    expect(dueFen({ totalFen: 500, paidFen: 700 })).toBe(0);
  });
});

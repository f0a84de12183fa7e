import { describe, expect, it } from '@jest/globals';
import { clip, formatYuan, orderBody, recipientsFor, type OrderFacts } from './notification-rules.js';
import type { OutboxEventInput } from './outbox.js';

const order: OrderFacts = {
  id: 7,
  no: 'HY-20261127-0007',
  kind: 'repair',
  categoryName: '水管漏水',
  place: '海月花园 1栋1单元101',
  reporterId: 10,
  assigneeId: 20,
  routingState: 'assigned',
  quoteTotalFen: 12050,
  urgeCount: 1,
};
const now = new Date('2026-11-27T02:00:00Z');

function transition(
  action: string,
  p: Partial<Extract<OutboxEventInput, { type: 'order.transition' }>['payload']> = {},
) {
  return {
    type: 'order.transition' as const,
    workOrderId: 7,
    payload: {
      action,
      from: 'a',
      to: 'b',
      actorId: null,
      actorRole: 'system',
      assigneeId: 20,
      previousAssigneeId: 20,
      ...p,
    },
  };
}

describe('notification rules', () => {
  it('writes the order into the body as the desk reads it', () => {
    expect(orderBody(order)).toBe('工单 HY-20261127-0007 水管漏水 海月花园 1栋1单元101');
    expect(recipientsFor(transition('quote'), order, { now, assigneeName: null })?.body).toBe(
      '工单 HY-20261127-0007 水管漏水 海月花园 1栋1单元101，报价合计 ¥120.50',
    );
  });

  it('names the technician to the resident and translates pause reasons', () => {
    const accept = recipientsFor(transition('accept'), order, { now, assigneeName: '李师傅' });
    expect(accept).toMatchObject({ type: 'order.accept', to: [{ kind: 'user', userId: 10 }], title: '师傅已接单' });
    expect(accept?.body.endsWith('维修师傅：李师傅')).toBe(true);
    const pause = recipientsFor(transition('pause', { reason: 'resident_not_home' }), order, {
      now,
      assigneeName: null,
    });
    expect(pause?.body.endsWith('原因：住户不在家')).toBe(true);
  });

  it('excludes the actor and tells nobody when there is nobody', () => {
    expect(
      recipientsFor(transition('urge', { actorId: 10, actorRole: 'resident' }), order, { now, assigneeName: null }),
    ).toMatchObject({
      exceptUserId: 10,
    });
    expect(
      recipientsFor(transition('complete'), { ...order, reporterId: null }, { now, assigneeName: null }),
    ).toBeNull();
    expect(recipientsFor(transition('confirm'), order, { now, assigneeName: null })).toBeNull();
  });

  it('counts offer minutes from dispatch time, at least one', () => {
    const offered = (expiresAt: string) =>
      recipientsFor({ type: 'routing.offered', workOrderId: 7, payload: { userId: 20, expiresAt } }, order, {
        now,
        assigneeName: null,
      })?.title;
    expect(offered('2026-11-27T02:03:00Z')).toBe('新工单待接单，请在3分钟内接单');
    expect(offered('2026-11-27T01:59:00Z')).toBe('新工单待接单，请在1分钟内接单');
    expect(offered('not a date')).toBe('新工单待接单');
  });

  it('refuses events it does not understand, so they are retried and then failed', () => {
    expect(() => recipientsFor(transition('fly'), order, { now, assigneeName: null })).toThrow('unknown action');
    const unknown = { type: 'order.exploded', workOrderId: 7, payload: {} } as unknown as OutboxEventInput;
    expect(() => recipientsFor(unknown, order, { now, assigneeName: null })).toThrow('unknown outbox event type');
  });

  it('clips by characters and formats fen as yuan', () => {
    expect(clip('一二三四五', 5)).toBe('一二三四五');
    expect(clip('一二三四五六', 5)).toBe('一二三四…');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(1234500)).toBe('¥12345.00');
  });
});

import { describe, expect, it } from '@jest/globals';
import { count } from '../../components/format';
import { auditValue, type AuditNames } from './values';

const names: AuditNames = {
  community: (id) => (id === 1 ? '海月花园' : undefined),
  category: (code) => (code === 'plumbing' ? '水管' : undefined),
  staff: (id) => (id === 7 ? '陈主管' : undefined),
};

describe('audit values: labels, not codes', () => {
  it('labels statuses, priorities, roles, modes and kinds from the shared catalogue', () => {
    expect(auditValue('routing_rule', 'mode', 'pool', names)).toBe('抢单');
    expect(auditValue('routing_rule', 'priority', 'P1', names)).toBe('紧急');
    expect(auditValue('routing_rule', 'priority', null, names)).toBe('—');
    expect(auditValue('leave', 'status', 'approved', names)).not.toBe('approved');
    expect(auditValue('house_binding', 'status', 'verified', names)).not.toBe('verified');
    expect(auditValue('staff_profile', 'role', 'technician', names)).toBe('维修师傅');
    expect(auditValue('price_item', 'kind', 'labour', names)).toBe('人工');
    expect(auditValue('routing_rule', 'enabled', true, names)).toBe('是');
  });

  it('shows ids by name, minutes as hours or days, money in yuan', () => {
    expect(auditValue('routing_rule', 'communityId', 1, names)).toBe('海月花园');
    expect(auditValue('routing_rule', 'communityId', 9, names)).toBe('#9');
    expect(auditValue('routing_rule', 'category', 'plumbing', names)).toBe('水管');
    expect(auditValue('team', 'supervisorId', 7, names)).toBe('陈主管');
    expect(auditValue('sla_policy', 'resolveMinutes', 2880, names)).toBe('2.0 天');
    expect(auditValue('price_item', 'priceFen', 8000, names)).toBe('¥80.00');
    expect(auditValue('routing_rule', 'weights', { skill: 0.5, load: 0.5 }, names)).toBe('技能 0.5，负载 0.5');
    expect(auditValue('staff_skills', 'skills', [{ category: 'plumbing', level: 4 }], names)).toBe('水管 4 级');
  });
});

describe('counts', () => {
  it('shows whole counts without decimals and weighted sizes with one', () => {
    expect(count(118)).toBe('118');
    expect(count(118.0000000001)).toBe('118');
    expect(count(41.37)).toBe('41.4');
    expect(count(null)).toBe('—');
  });
});

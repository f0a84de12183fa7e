import { FOLLOW_UP_POLICY_VALUES, LEAVE_STATUSES, PRICE_KINDS, SURVEY_STATUS_VALUES } from './admin-api.js';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './audit.js';
import { FOLLOW_UP_REASONS } from './follow-up.js';
import * as labels from './labels.js';
import { BINDING_RELATIONS, BINDING_STATUSES } from './places.js';
import { ROLES } from './roles.js';
import { EXCLUSION_REASONS, GRADE_NAMES, ROUTING_MODES, ROUTING_OUTCOMES } from './routing.js';
import { RATING_DIMENSIONS } from './satisfaction/ratings.js';
import { ACSI_ITEMS, SERVPERF_DIMENSIONS } from './satisfaction/survey.js';
import { SLA_STAGES, SLA_STATES } from './sla.js';
import { BOARD_STATUSES, FOLLOW_UP_CHANNELS, FOLLOW_UP_STATUSES } from './staff-api.js';
import {
  CHANNELS,
  PAUSE_REASONS,
  PRIORITIES,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
} from './work-order.js';

/** Each catalogue map with the full list of its codes. */
const CASES: Array<[string, Record<string, string>, readonly string[]]> = [
  ['STATUS_LABELS', labels.STATUS_LABELS, WORK_ORDER_STATUSES],
  ['ACTION_LABELS', labels.ACTION_LABELS, WORK_ORDER_ACTIONS],
  ['TIMELINE_ACTION_LABELS', labels.TIMELINE_ACTION_LABELS, [...WORK_ORDER_ACTIONS, 'create']],
  ['PRIORITY_LABELS', labels.PRIORITY_LABELS, PRIORITIES],
  ['KIND_LABELS', labels.KIND_LABELS, WORK_ORDER_KINDS],
  ['CHANNEL_LABELS', labels.CHANNEL_LABELS, CHANNELS],
  ['PAUSE_REASON_LABELS', labels.PAUSE_REASON_LABELS, PAUSE_REASONS],
  ['ROUTING_STATE_LABELS', labels.ROUTING_STATE_LABELS, ['waiting', 'offered', 'assigned', 'pooled', 'manual']],
  ['ROUTING_OUTCOME_LABELS', labels.ROUTING_OUTCOME_LABELS, ROUTING_OUTCOMES],
  ['ROUTING_MODE_LABELS', labels.ROUTING_MODE_LABELS, ROUTING_MODES],
  ['GRADE_LABELS', labels.GRADE_LABELS, GRADE_NAMES],
  ['EXCLUSION_LABELS', labels.EXCLUSION_LABELS, EXCLUSION_REASONS],
  ['SLA_STAGE_LABELS', labels.SLA_STAGE_LABELS, SLA_STAGES],
  ['SLA_STATE_LABELS', labels.SLA_STATE_LABELS, SLA_STATES],
  ['ROLE_LABELS', labels.ROLE_LABELS, ROLES],
  ['RELATION_LABELS', labels.RELATION_LABELS, BINDING_RELATIONS],
  ['BINDING_STATUS_LABELS', labels.BINDING_STATUS_LABELS, BINDING_STATUSES],
  ['BOARD_STATUS_LABELS', labels.BOARD_STATUS_LABELS, BOARD_STATUSES],
  ['LEAVE_STATUS_LABELS', labels.LEAVE_STATUS_LABELS, LEAVE_STATUSES],
  ['FOLLOW_UP_REASON_LABELS', labels.FOLLOW_UP_REASON_LABELS, FOLLOW_UP_REASONS],
  ['FOLLOW_UP_CHANNEL_LABELS', labels.FOLLOW_UP_CHANNEL_LABELS, FOLLOW_UP_CHANNELS],
  ['FOLLOW_UP_STATUS_LABELS', labels.FOLLOW_UP_STATUS_LABELS, FOLLOW_UP_STATUSES],
  ['FOLLOW_UP_POLICY_LABELS', labels.FOLLOW_UP_POLICY_LABELS, FOLLOW_UP_POLICY_VALUES],
  ['DIMENSION_LABELS', labels.DIMENSION_LABELS, RATING_DIMENSIONS],
  ['ACSI_ITEM_LABELS', labels.ACSI_ITEM_LABELS, ACSI_ITEMS],
  ['SERVPERF_LABELS', labels.SERVPERF_LABELS, SERVPERF_DIMENSIONS],
  ['SURVEY_STATUS_LABELS', labels.SURVEY_STATUS_LABELS, SURVEY_STATUS_VALUES],
  ['PRICE_KIND_LABELS', labels.PRICE_KIND_LABELS, PRICE_KINDS],
  ['AUDIT_ENTITY_LABELS', labels.AUDIT_ENTITY_LABELS, AUDIT_ENTITY_TYPES],
  ['AUDIT_ACTION_LABELS', labels.AUDIT_ACTION_LABELS, AUDIT_ACTIONS],
];

describe('label catalogue', () => {
  it.each(CASES)('%s labels every code, and nothing else', (_name, map, codes) => {
    for (const code of codes) expect(map[code]).toMatch(/\S/);
    expect(Object.keys(map).sort()).toEqual([...codes].sort());
  });

  it('lists every map of the module', () => {
    const maps = Object.keys(labels).filter((k) => k.endsWith('_LABELS'));
    expect(maps.filter((k) => k !== 'AUDIT_FIELD_LABELS').sort()).toEqual(CASES.map(([name]) => name).sort());
    for (const label of Object.values(labels.AUDIT_FIELD_LABELS)) expect(label).toMatch(/\S/);
  });

  it('keeps the texts residents and staff are used to', () => {
    // Asserted by the browser journeys and the mini-program tests.
    expect(labels.ACTION_LABELS.arrive).toBe('到达');
    expect(labels.SLA_STAGE_LABELS.arrive).toBe('到场');
    expect(labels.PAUSE_REASON_LABELS).toEqual({
      waiting_parts: '等配件',
      resident_not_home: '住户不在家',
      other: '其他',
    });
    expect(labels.TIMELINE_ACTION_LABELS.create).toBe('提交报修');
    expect(labels.BINDING_STATUS_LABELS.verified).toBe('已认证');
  });
});

import { FOLLOW_UP_POLICY_VALUES, LEAVE_STATUSES, PRICE_KINDS, SURVEY_STATUS_VALUES } from './admin-api.js';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from './audit.js';
import { BILL_STATUSES, QUOTE_PAUSE_REASONS, QUOTE_STATES } from './billing.js';
import { FOLLOW_UP_REASONS } from './follow-up.js';
import * as labels from './labels.js';
import { BINDING_RELATIONS, BINDING_STATUSES } from './places.js';
import { ROLES } from './roles.js';
import { EXCLUSION_REASONS, GRADE_NAMES, ROUTING_MODES, ROUTING_OUTCOMES } from './routing.js';
import { RATING_DIMENSIONS } from './satisfaction/ratings.js';
import { ACSI_ITEMS, SERVPERF_DIMENSIONS } from './satisfaction/survey.js';
import { SURVEY_CADENCES } from './satisfaction/survey-schedule.js';
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
  ['SURVEY_CADENCE_LABELS', labels.SURVEY_CADENCE_LABELS, SURVEY_CADENCES],
  ['PRICE_KIND_LABELS', labels.PRICE_KIND_LABELS, PRICE_KINDS],
  ['AUDIT_ENTITY_LABELS', labels.AUDIT_ENTITY_LABELS, AUDIT_ENTITY_TYPES],
  ['AUDIT_ACTION_LABELS', labels.AUDIT_ACTION_LABELS, AUDIT_ACTIONS],
  ['RESIDENT_STATUS_LABELS', labels.RESIDENT_STATUS_LABELS, WORK_ORDER_STATUSES],
  ['RESIDENT_TIMELINE_LABELS', labels.RESIDENT_TIMELINE_LABELS, [...WORK_ORDER_ACTIONS, 'create']],
  ['RESIDENT_CREATE_LABELS', labels.RESIDENT_CREATE_LABELS, WORK_ORDER_KINDS],
  ['RESIDENT_CANCEL_LABELS', labels.RESIDENT_CANCEL_LABELS, WORK_ORDER_KINDS],
  ['SURVEY_DIMENSION_LABELS', labels.SURVEY_DIMENSION_LABELS, SERVPERF_DIMENSIONS],
  ['BILL_STATUS_LABELS', labels.BILL_STATUS_LABELS, BILL_STATUSES],
  ['QUOTE_STATE_LABELS', labels.QUOTE_STATE_LABELS, QUOTE_STATES],
  ['QUOTE_FLAG_LABELS', labels.QUOTE_FLAG_LABELS, ['off_list', 'over_list']],
  ['QUOTE_PAUSE_LABELS', labels.QUOTE_PAUSE_LABELS, Object.values(QUOTE_PAUSE_REASONS)],
];

/** Words of the staff's routing that must never reach a resident's screen. */
const ROUTING_WORDS = /抢单|推送|派单规则|人工派单|拒单|转单/;

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

  it('speaks to residents without routing words, and with 待返修 for a reopened order', () => {
    const resident = [
      ...Object.values(labels.RESIDENT_STATUS_LABELS),
      ...Object.values(labels.RESIDENT_TIMELINE_LABELS),
      ...WORK_ORDER_KINDS.flatMap((kind) =>
        [...WORK_ORDER_STATUSES].map((status) => labels.residentStatusLabel({ status, kind })),
      ),
    ];
    for (const text of resident) expect(text).not.toMatch(ROUTING_WORDS);
    expect(labels.RESIDENT_STATUS_LABELS.pooled).toBe('等待师傅接单');
    expect(labels.STATUS_LABELS.reopened).toBe('待返修');
    expect(labels.RESIDENT_STATUS_LABELS.reopened).toBe('待返修');
  });

  it('words a complaint as a complaint', () => {
    expect(labels.residentTimelineLabel('create', 'complaint')).toBe('提交投诉');
    expect(labels.residentTimelineLabel('cancel', 'complaint')).toBe('撤回投诉');
    expect(labels.residentTimelineLabel('create')).toBe('提交报修');
    expect(labels.residentStatusLabel({ status: 'in_progress', kind: 'complaint' })).toBe('处理中');
  });

  it('shows a pause reason by its label and leaves out routing notes', () => {
    expect(labels.residentNoteText('pause', 'waiting_parts')).toBe('等配件');
    expect(labels.residentNoteText('pool', '抢单模式')).toBeNull();
    expect(labels.residentNoteText('cancel', '重复提交了')).toBe('重复提交了');
  });

  it('shows staff a pause reason by its label (console and staff timelines) and a typed note as typed', () => {
    expect(labels.noteText('pause', 'waiting_parts')).toBe('等配件');
    expect(labels.noteText('pause', '等阀门到货')).toBe('等阀门到货');
    expect(labels.noteText('pause', 'toString')).toBe('toString');
    expect(labels.noteText('cancel', 'waiting_parts')).toBe('waiting_parts');
  });

  it('names a price item with its kind once, even when the name already says it', () => {
    expect(labels.priceItemName('更换水龙头（人工）', 'labour')).toEqual({ name: '更换水龙头（人工）', kind: null });
    expect(labels.priceItemName('水龙头', 'material')).toEqual({ name: '水龙头', kind: '（材料）' });
  });

  it('says who handed an order to whom', () => {
    const zhang = { name: '张师傅' };
    const li = { name: '李师傅' };
    expect(labels.handoverText({ action: 'assign', handover: { from: zhang, to: li } })).toBe(
      '由 张师傅 改派给 李师傅',
    );
    expect(labels.handoverText({ action: 'assign', handover: { from: null, to: li } })).toBe('派给 李师傅');
    expect(labels.handoverText({ action: 'transfer', handover: { from: zhang, to: li } })).toBe(
      '由 张师傅 转给 李师傅',
    );
    expect(labels.handoverText({ action: 'pool', handover: { from: zhang, to: null } })).toBeNull();
  });

  it('says what each point of the 1-5 satisfaction scale means, from 非常不满意 to 非常满意', () => {
    expect(labels.SATISFACTION_SCALE_WORDS.slice(1)).toEqual(['非常不满意', '不满意', '一般', '满意', '非常满意']);
    for (const l of Object.values(labels.SURVEY_DIMENSION_LABELS)) expect(l).not.toMatch(/性$/);
  });

  it('never takes the placeholder nickname 微信用户 for a real name', () => {
    expect(labels.realNameOf('微信用户')).toBe('');
    expect(labels.realNameOf(' 徐敏 ')).toBe('徐敏');
    expect(labels.realNameOf(null)).toBe('');
  });
});

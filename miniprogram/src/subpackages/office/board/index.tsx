import { useEffect, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  allowedActions,
  BOARD_STATUS_LABELS,
  OPEN_STATUSES,
  sortQueue,
  SLA_STAGE_LABELS,
  STATUS_LABELS,
  type SlaStage,
  type WorkOrderView,
  type BoardStatus,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { useLive } from '../../../live/use-live';
import { categoryName, formatTime, slaText } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { PriorityMark } from '../../staff/priority-mark';
import { AssignSheet, NavRow, OfficeHead, orderUrl, useAssign, useOfficeGuard } from '../common';

/** The pill tone of a technician's status (the label is the catalogue's). */
const STATUS_TONE: Record<BoardStatus, string> = {
  available: 'ok',
  busy: 'warn',
  off_shift: 'muted',
  on_leave: 'danger',
};

/** Whether the office may reassign an order in this status (the shared state machine decides). */
const canAssign = (o: WorkOrderView) =>
  allowedActions(o.status, { role: 'supervisor', isAssignee: false, isReporter: false }).includes('assign');

/**
 * The reasons offered when assigning from the board: a late order says how late it is (已超时
 * 5天), one still in time 即将超时; an unassigned order is 派单, not a reassignment.
 */
export function assignReasons(o: WorkOrderView, now: number): string[] {
  const sla = slaText(o.slaDueAt, now);
  const first = sla?.late ? `${sla.text}，尽快处理` : '即将超时，尽快处理';
  return o.assignee ? [first, '原师傅请假', '原师傅手头工单太多', '住户要求换人'] : [first, '无人接单', '抢单池无人抢'];
}

/**
 * 团队看板 (supervisor home): open orders by SLA state, each technician's load and status, the
 * orders past 50% of an SLA target with one-tap 改派, the latest escalations, and leave to approve.
 */
export default function BoardPage() {
  const board = useLoader(() => staffApi.board(), []);
  const risky = useLoader(() => staffApi.orders({ atRisk: 50, status: OPEN_STATUSES, sort: 'sla', pageSize: 20 }), []);
  const leave = useLoader(() => staffApi.leave('pending'), []);
  const reload = () => Promise.all([board.reload(), risky.reload(), leave.reload()]);
  useOfficeGuard(['supervisor', 'admin'], () => void reload());
  // Changes in the team's communities arrive over the live socket (polling while it is down).
  useLive(reload);
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(timer);
  }, []);
  const assigning = useAssign(() => void reload());

  const b = board.data;
  const t = b?.totals;
  // The queue order: 紧急/加急 pinned on top, then the nearest deadline (the server sorts the same).
  const orders = sortQueue((risky.data?.items ?? []).map((o) => ({ ...o, dueAt: o.slaDueAt })));

  return (
    <Screen className="office">
      <OfficeHead title="团队看板" />
      {assigning.notice && (
        <View className="error-banner" role="alert">
          {assigning.notice}
        </View>
      )}
      {!b ? (
        <StateView loading={board.loading} error={board.error} onRetry={() => void board.reload()} />
      ) : (
        <View className="card office-stats" aria-label="工单概况">
          {[
            ['在办', t!.open, ''],
            ['待派', t!.unassigned, ''],
            ['超50%', t!.warning, 'office-warn'],
            ['超75%', t!.critical, 'office-danger'],
            ['已超时', t!.breached, 'office-danger'],
          ].map(([label, n, tone]) => (
            <View key={label as string} className="office-stat">
              <Text className={`office-stat-num ${(n as number) > 0 ? (tone as string) : ''}`}>{n}</Text>
              <Text className="muted">{label}</Text>
            </View>
          ))}
        </View>
      )}

      <View className="section-title">风险工单</View>
      {!risky.data ? (
        <StateView loading={risky.loading} error={risky.error} onRetry={() => void risky.reload()} />
      ) : orders.length === 0 ? (
        <StateView empty emptyText="没有超过时限一半的工单" />
      ) : (
        orders.map((o) => {
          const sla = slaText(o.slaDueAt, now);
          return (
            <View key={o.id} className="card office-item" data-testid="risk-order">
              <View
                className="row-between"
                onClick={() => void Taro.navigateTo({ url: orderUrl(o.id) })}
                role="link"
                aria-label={`工单 ${o.no}`}
              >
                <View className="row">
                  <PriorityMark priority={o.priority} />
                  <Text className="card-title">
                    {categoryName(o.category)} · {o.location}
                  </Text>
                </View>
                <Text className="pill">{STATUS_LABELS[o.status]}</Text>
              </View>
              <View className="row-between">
                <Text className={sla?.late ? 'office-danger' : 'office-warn'}>{sla?.text ?? '时限过半'}</Text>
                <Text className="muted">
                  {o.assignee ? o.assignee.name : '未派人'}
                  {o.urgeCount > 0 ? ` · 催单 ${o.urgeCount}次` : ''}
                </Text>
              </View>
              {canAssign(o) && (
                <View
                  className="btn btn-primary btn-block"
                  onClick={() => assigning.open(o)}
                  role="button"
                  aria-label={`${o.assignee ? '改派' : '派单'} ${o.no}`}
                >
                  {o.assignee ? '改派' : '派单'}
                </View>
              )}
            </View>
          );
        })
      )}

      <View className="section-title">师傅状态</View>
      {b && (
        <View className="card">
          {b.technicians.length === 0 && <View className="muted">没有师傅</View>}
          {b.technicians.map((tech) => (
            <View key={tech.id} className="list-item" data-testid="board-tech">
              <View>
                <View className="large">{tech.name}</View>
                <View className="muted">
                  在办 {tech.openOrders}/{tech.capacity} · 进行中 {tech.inProgress}
                  {tech.atRisk > 0 ? ` · 风险 ${tech.atRisk}` : ''}
                  {tech.breached > 0 ? ` · 超时 ${tech.breached}` : ''}
                </View>
              </View>
              <Text className={`pill pill-${STATUS_TONE[tech.status]}`}>{BOARD_STATUS_LABELS[tech.status]}</Text>
            </View>
          ))}
        </View>
      )}

      {b && b.escalations.length > 0 && (
        <View>
          <View className="section-title">升级提醒</View>
          <View className="card">
            {b.escalations.map((e) => (
              <View
                key={`${e.workOrderId}-${e.level}`}
                className="list-item"
                onClick={() => void Taro.navigateTo({ url: orderUrl(e.workOrderId) })}
                role="link"
              >
                <View>
                  <View className={e.level >= 3 ? 'office-danger' : 'office-warn'}>
                    {e.level >= 3 ? '已超时' : '超75%'} · {SLA_STAGE_LABELS[e.stage as SlaStage] ?? e.stage}
                  </View>
                  <View className="muted">
                    {e.location} · {e.assignee?.name ?? '未派人'} · {formatTime(e.at)}
                  </View>
                </View>
                <Text className="arrow">›</Text>
              </View>
            ))}
          </View>
        </View>
      )}

      <View className="card">
        <NavRow label="请假审批" count={leave.data?.length} url="/subpackages/office/leave/index" />
        <NavRow label="重新匹配" hint="预览并改派待派工单" url="/subpackages/office/rematch/index" />
        <NavRow label="投诉" url="/subpackages/office/complaints/index" />
        <NavRow label="回访" url="/subpackages/office/follow-ups/index" />
        <NavRow label="电话报修" url="/subpackages/office/new-order/index" />
        <NavRow label="小区通知" url="/subpackages/office/notices/index" />
      </View>

      {assigning.target && (
        <AssignSheet
          title={`${assigning.target.assignee ? '改派' : '派单'} ${assigning.target.no}`}
          communityId={assigning.target.communityId}
          category={assigning.target.kind === 'complaint' ? undefined : assigning.target.category}
          exclude={[assigning.target.assignee?.id, assigning.target.about?.id]}
          reasons={assignReasons(assigning.target, now)}
          busy={assigning.busy}
          onCancel={assigning.close}
          onConfirm={(assigneeId, reason) => void assigning.assign(assigneeId, reason)}
        />
      )}
    </Screen>
  );
}

import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { sortQueue, STATUS_LABELS, type Page, type WorkOrderStatus, type WorkOrderView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader, type Loaded } from '../../../hooks/use-loader';
import { useLive } from '../../../live/use-live';
import { formatTime, orderTitle } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { PriorityMark } from '../../staff/priority-mark';
import {
  AssignSheet,
  NavRow,
  OfficeHead,
  OPEN_COMPLAINT_STATUSES,
  orderUrl,
  useAssign,
  useOfficeGuard,
} from '../common';

/** Orders nobody holds: new ones routing could not place, and pooled ones nobody grabbed. */
export const UNASSIGNED_STATUSES: readonly WorkOrderStatus[] = ['submitted', 'pooled'];
/** Reopened orders wait for someone to go back: routing may find nobody either. */
export const REOPENED_STATUSES: readonly WorkOrderStatus[] = ['reopened'];

/**
 * 客服工作台: file a phone report, work the follow-up calls and the complaints, and 派单 the
 * orders nobody holds (待派单) and the reopened ones (返修) with one tap each.
 */
export default function DeskHomePage() {
  const followUps = useLoader(() => staffApi.followUps('open'), []);
  const complaints = useLoader(
    () => staffApi.orders({ kind: 'complaint', status: OPEN_COMPLAINT_STATUSES, pageSize: 1 }),
    [],
  );
  const unassigned = useLoader(() => staffApi.orders({ status: UNASSIGNED_STATUSES, sort: 'sla', pageSize: 20 }), []);
  const reopened = useLoader(() => staffApi.orders({ status: REOPENED_STATUSES, sort: 'sla', pageSize: 20 }), []);
  const reload = () => Promise.all([followUps.reload(), complaints.reload(), unassigned.reload(), reopened.reload()]);
  useOfficeGuard(['desk', 'supervisor', 'admin'], () => void reload());
  // Changes in the desk's communities arrive over the live socket (polling while it is down).
  useLive(reload);
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  const overdue = (followUps.data?.items ?? []).filter((f) => f.overdue).length;
  const assigning = useAssign(() => {
    void unassigned.reload();
    void reopened.reload();
  });

  return (
    <Screen className="office">
      <OfficeHead title="客服工作台" />
      {assigning.notice && (
        <View className="error-banner" role="alert">
          {assigning.notice}
        </View>
      )}
      <View className="card">
        <NavRow label="电话报修" hint="替来电住户登记报修" url="/subpackages/office/new-order/index" />
        <NavRow label="小区通知" hint="停水、停电、电梯维保" url="/subpackages/office/notices/index" />
        <NavRow
          label="回访"
          hint={overdue > 0 ? `${overdue} 条已超时` : '完工后的电话回访'}
          count={followUps.data?.total}
          url="/subpackages/office/follow-ups/index"
        />
        <NavRow
          label="投诉"
          hint="派人处理、答复、等待投诉人确认"
          count={complaints.data?.total}
          url="/subpackages/office/complaints/index"
        />
      </View>
      {(followUps.error || complaints.error) && (
        <View className="error-banner" role="alert">
          {followUps.error ?? complaints.error}
        </View>
      )}

      <OrderList title="待派单" empty="没有待派的工单" list={unassigned} onAssign={assigning.open} />
      <OrderList title="返修" empty="没有待处理的返修" list={reopened} onAssign={assigning.open} />

      {assigning.target && (
        <AssignSheet
          title={`派单 ${assigning.target.no}`}
          communityId={assigning.target.communityId}
          category={assigning.target.kind === 'complaint' ? undefined : assigning.target.category}
          exclude={assigning.target.about?.id}
          reasons={assigning.target.status === 'reopened' ? ['住户反映没修好，请上门返修', '原师傅不在班'] : undefined}
          busy={assigning.busy}
          onCancel={assigning.close}
          onConfirm={(assigneeId, reason) => void assigning.assign(assigneeId, reason)}
        />
      )}
    </Screen>
  );
}

/** A list of orders waiting for someone, each with 派单. */
function OrderList({
  title,
  empty,
  list,
  onAssign,
}: {
  title: string;
  empty: string;
  list: Loaded<Page<WorkOrderView>>;
  onAssign: (o: WorkOrderView) => void;
}) {
  // The queue order: 紧急/加急 pinned on top, then the nearest deadline (the server sorts the same).
  const items = sortQueue((list.data?.items ?? []).map((o) => ({ ...o, dueAt: o.slaDueAt })));
  return (
    <View aria-label={title} role="region">
      <View className="section-title">
        {title}
        {list.data && list.data.total > 0 ? `（${list.data.total}）` : ''}
      </View>
      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : items.length === 0 ? (
        <View className="card muted">{empty}</View>
      ) : (
        items.map((o) => (
          <View key={o.id} className="card office-item" data-testid="desk-order">
            <View
              className="row-between"
              onClick={() => void Taro.navigateTo({ url: orderUrl(o.id) })}
              role="link"
              aria-label={`工单 ${o.no}`}
            >
              <View className="row">
                <PriorityMark priority={o.priority} />
                <Text className="card-title">
                  {orderTitle(o)} · {o.location}
                </Text>
              </View>
              <Text className="pill">{STATUS_LABELS[o.status]}</Text>
            </View>
            <View className="muted">
              {formatTime(o.createdAt)} 报修{o.urgeCount > 0 ? ` · 催单 ${o.urgeCount}次` : ''}
              {o.reopenCount > 0 ? ` · 返修 ${o.reopenCount}次` : ''}
            </View>
            <View
              className="btn btn-primary btn-block"
              onClick={() => onAssign(o)}
              role="button"
              aria-label={`派单 ${o.no}`}
            >
              派单
            </View>
          </View>
        ))
      )}
    </View>
  );
}

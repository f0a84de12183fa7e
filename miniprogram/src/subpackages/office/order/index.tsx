import { useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  KIND_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type WorkOrderAction,
  type WorkOrderDetailView,
} from '@linli/shared';
import { ReasonSheet } from '../../../components/reason-sheet';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useOrder } from '../../../hooks/use-order';
import { api, ApiError, type TransitionInput } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { categoryName, formatTime, isOpen, slaText, statusTone } from '../../../services/format';
import { callPhone, canDial } from '../../../services/platform';
import { AssignSheet, useOfficeGuard } from '../common';

const PAUSE_LABELS: Record<string, string> = {
  waiting_parts: '等配件',
  resident_not_home: '住户不在家',
  other: '其他',
};
const CANCEL_REASONS = ['住户已自行解决', '重复报修', '信息有误，已联系住户'];
const REOPEN_REASONS = ['住户反映没修好', '投诉人不认可处理结果'];

type Dialog = 'assign' | 'cancel' | 'reopen' | null;
type Extra = Omit<TransitionInput, 'action' | 'version'>;

/**
 * An order as the desk and supervisors work it: details, the people (with a call button), the
 * timeline, and the office's actions from the state machine: 派单/改派 with a reason, 放入抢单池,
 * 取消, 返修. A complaint is answered by the person it is assigned to when they complete it; it
 * closes when the complainant confirms in their app.
 */
export default function OfficeOrderPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const { order, now } = useOrder(id);
  useOfficeGuard();
  const [busy, setBusy] = useState<WorkOrderAction | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);

  const act = async (action: WorkOrderAction, extra: Extra = {}) => {
    const o = order.data;
    if (!o || busyRef.current) return;
    busyRef.current = true;
    setBusy(action);
    setNotice(null);
    try {
      order.setData(await api.transition(o.id, { action, version: o.version, ...extra }));
      setDialog(null);
      void Taro.showToast({ title: `已${ACTION_LABELS[action]}`, icon: 'success' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setDialog(null);
        setNotice(`工单已被他人更新，已刷新为最新状态，请确认后再操作（${err.text}）`);
        void order.reload();
      } else {
        setNotice(textOf(err));
      }
    } finally {
      busyRef.current = false;
      setBusy(null);
    }
  };

  const o: WorkOrderDetailView | undefined = order.data;
  if (!o) {
    return (
      <Screen>
        <StateView loading={order.loading} error={order.error} onRetry={() => void order.reload()} />
      </Screen>
    );
  }
  const can = (a: WorkOrderAction) => o.actions.includes(a);
  const sla = isOpen(o.status) ? slaText(o.slaDueAt, now) : null;
  const complaint = o.kind === 'complaint';
  const btn = (extra = '') => `btn btn-block ${extra} ${busy ? 'btn-disabled' : ''}`;
  const answer = complaint ? [...o.timeline].reverse().find((e) => e.action === 'complete')?.note : null;

  return (
    <Screen className="office">
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}
      <View className="card">
        <View className="row-between">
          <Text className="title">{STATUS_LABELS[o.status]}</Text>
          <Text className={`pill pill-${statusTone(o.status)}`}>
            {KIND_LABELS[o.kind]} · {PRIORITY_LABELS[o.priority]}
          </Text>
        </View>
        {sla && <View className={sla.late ? 'office-danger' : 'muted'}>{sla.text}</View>}
        <View className="muted">工单号 {o.no}</View>
        {complaint && o.status === 'completed' && (
          <View className="office-warn" role="status">
            已答复，等待投诉人在小程序确认
          </View>
        )}
      </View>

      <View className="card">
        {can('assign') && (
          <View className={btn('btn-primary')} onClick={() => setDialog('assign')} role="button">
            {o.assignee ? '改派' : '派单'}
          </View>
        )}
        {can('pool') && (
          <View className={btn()} onClick={() => void act('pool')} role="button">
            {ACTION_LABELS.pool}
          </View>
        )}
        {can('reopen') && (
          <View className={btn()} onClick={() => setDialog('reopen')} role="button">
            {ACTION_LABELS.reopen}
          </View>
        )}
        {can('cancel') && (
          <View className={btn('btn-danger')} onClick={() => setDialog('cancel')} role="button">
            {ACTION_LABELS.cancel}
          </View>
        )}
        {!['assign', 'pool', 'reopen', 'cancel'].some((a) => can(a as WorkOrderAction)) && (
          <View className="muted">当前没有需要您处理的操作</View>
        )}
      </View>

      <View className="card">
        <View className="card-title">{complaint ? '投诉内容' : '报修内容'}</View>
        <View className="info-row">
          <Text className="info-key">类别</Text>
          <Text>{categoryName(o.category)}</Text>
        </View>
        <View className="info-row">
          <Text className="info-key">地址</Text>
          <Text>{o.location}</Text>
        </View>
        {o.reporter && (
          <View className="info-row">
            <Text className="info-key">{complaint ? '投诉人' : '报修人'}</Text>
            <Text>
              {o.reporter.name} {o.reporter.phone ?? ''}
            </Text>
            {canDial(o.reporter.phone) && (
              <View className="link-btn" onClick={() => callPhone(o.reporter!.phone!)} role="button">
                打电话
              </View>
            )}
          </View>
        )}
        <View className="info-row">
          <Text className="info-key">处理人</Text>
          <Text>{o.assignee ? `${o.assignee.name} ${o.assignee.phone ?? ''}` : '未派人'}</Text>
          {o.assignee && canDial(o.assignee.phone) && (
            <View className="link-btn" onClick={() => callPhone(o.assignee!.phone!)} role="button">
              打电话
            </View>
          )}
        </View>
        <View className="office-desc">{o.description}</View>
        {answer && (
          <View className="info-row">
            <Text className="info-key">处理答复</Text>
            <Text>{answer}</Text>
          </View>
        )}
      </View>

      <View className="card">
        <View className="card-title">进度</View>
        {[...o.timeline].reverse().map((e) => (
          <View key={e.id} className="office-item">
            <View className="row-between">
              <Text>{e.action === 'create' ? '提交' : ACTION_LABELS[e.action]}</Text>
              <Text className="muted">{formatTime(e.at)}</Text>
            </View>
            <View className="muted">
              {e.actor.role === 'system' ? '系统' : e.actor.name}
              {e.to !== e.from ? ` · ${STATUS_LABELS[e.to]}` : ''}
            </View>
            {e.note && <View>{e.action === 'pause' ? (PAUSE_LABELS[e.note] ?? e.note) : e.note}</View>}
          </View>
        ))}
      </View>

      {dialog === 'assign' && (
        <AssignSheet
          title={o.assignee ? '改派给' : '派给'}
          communityId={o.communityId}
          exclude={o.assignee?.id}
          busy={busy === 'assign'}
          reasons={complaint ? ['请师傅上门核实处理', '请主管跟进处理'] : undefined}
          onCancel={() => setDialog(null)}
          onConfirm={(assigneeId, reason) => void act('assign', { assigneeId, reason })}
        />
      )}
      {dialog === 'cancel' && (
        <ReasonSheet
          title="为什么取消？"
          reasons={CANCEL_REASONS}
          confirmText="确认取消"
          danger
          busy={busy === 'cancel'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('cancel', { reason })}
        />
      )}
      {dialog === 'reopen' && (
        <ReasonSheet
          title="为什么返修？"
          reasons={REOPEN_REASONS}
          confirmText="确认返修"
          busy={busy === 'reopen'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('reopen', { reason })}
        />
      )}
    </Screen>
  );
}

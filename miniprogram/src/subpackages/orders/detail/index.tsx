import { useMemo, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  PRICE_KIND_LABELS,
  PRIORITY_LABELS,
  ROUTING_PENDING_LABEL,
  routingPending,
  STATUS_LABELS,
  TIMELINE_ACTION_LABELS,
  type TimelineEventView,
  type WorkOrderAction,
  type WorkOrderDetailView,
} from '@linli/shared';
import { ReasonSheet } from '../../../components/reason-sheet';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { useOrder } from '../../../hooks/use-order';
import { api, ApiError, resolveUrl } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { formatTime, isOpen, orderTitle, slaText, statusTone, yuan } from '../../../services/format';
import { callPhone, canDial, requestSubscriptions } from '../../../services/platform';
import './index.scss';

const CANCEL_REASONS = ['问题已自己解决', '重复提交了', '暂时不需要维修'];
const REOPEN_REASONS = ['问题又出现了', '没有修好', '修坏了别的地方'];

type Dialog = 'cancel' | 'reopen' | null;

function eventTitle(e: TimelineEventView): string {
  return TIMELINE_ACTION_LABELS[e.action];
}

export default function OrderDetailPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const { order, now } = useOrder(id);
  const categories = useLoader(() => api.categories(), []);
  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);
  const [busy, setBusy] = useState<WorkOrderAction | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const busyRef = useRef(false);

  const act = async (action: WorkOrderAction, extra: { reason?: string } = {}, done?: string) => {
    const o = order.data;
    if (!o || busyRef.current) return;
    if (action === 'approve_quote') void requestSubscriptions();
    busyRef.current = true;
    setBusy(action);
    try {
      const next = await api.transition(o.id, { action, version: o.version, ...extra });
      order.setData(next);
      setDialog(null);
      if (done) void Taro.showToast({ title: done, icon: 'success' });
    } catch (err) {
      void Taro.showToast({ title: textOf(err), icon: 'none', duration: 3000 });
      // Someone else moved the order: show what it is now.
      if (err instanceof ApiError && (err.code === 'VERSION_CONFLICT' || err.code === 'TRANSITION_NOT_ALLOWED')) {
        void order.reload();
      }
    } finally {
      busyRef.current = false;
      setBusy(null);
    }
  };

  const confirmDone = async () => {
    const res = await Taro.showModal({
      title: '确认完成',
      content: '确认问题已解决？确认后工单关闭。也可以先去评价，评价后同样会关闭。',
      confirmText: '确认完成',
      cancelText: '再看看',
    });
    if (res.confirm) await act('confirm', {}, '已确认完成');
  };

  const goRate = (fixed?: boolean) =>
    void Taro.navigateTo({
      url: `/subpackages/orders/rate/index?id=${id}${fixed === false ? '&fixed=0' : ''}`,
    });

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
  const timeline = [...o.timeline].reverse();
  const photoUrls = o.photos.map((p) => resolveUrl(p.url));

  return (
    <Screen className="detail">
      {order.error && (
        <View className="error-banner" role="alert" onClick={() => void order.reload()}>
          {order.error}（点此重试）
        </View>
      )}

      <View className="card">
        <View className="row-between">
          <Text className="detail-status">{STATUS_LABELS[o.status]}</Text>
          <Text className={`pill pill-${statusTone(o.status)}`}>{PRIORITY_LABELS[o.priority]}</Text>
        </View>
        {sla && (
          <View className={`detail-sla ${sla.late ? 'detail-late' : ''}`}>
            {sla.late ? sla.text : `处理时限：${sla.text}`}
          </View>
        )}
        {o.urgeCount > 0 && isOpen(o.status) && <View className="muted">已催单 {o.urgeCount} 次</View>}
        <View className="muted">工单号 {o.no}</View>
      </View>

      {o.quote && (
        <View className="card">
          <View className="row-between">
            <Text className="card-title">维修报价</Text>
            {o.quote.approved === true && <Text className="pill pill-ok">已同意</Text>}
            {o.quote.approved === false && <Text className="pill pill-muted">未同意</Text>}
          </View>
          {o.quote.items.map((item, i) => (
            <View key={i} className="quote-row">
              <View className="quote-name">
                <Text>{item.name}</Text>
                <Text className="muted">
                  {PRICE_KIND_LABELS[item.kind]} · {item.quantity} × {yuan(item.unitPriceFen)}
                </Text>
              </View>
              <Text className="quote-amount">{yuan(item.quantity * item.unitPriceFen)}</Text>
            </View>
          ))}
          <View className="row-between quote-total">
            <Text>合计</Text>
            <Text className="quote-total-amount">{yuan(o.quote.totalFen)}</Text>
          </View>
          {can('approve_quote') && (
            <View className="detail-actions">
              <View
                className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
                onClick={() => void act('approve_quote', {}, '已同意报价')}
                role="button"
              >
                同意报价，继续维修
              </View>
              {can('reject_quote') && (
                <View
                  className={`btn btn-block ${busy ? 'btn-disabled' : ''}`}
                  onClick={() => void act('reject_quote', {}, '已拒绝报价')}
                  role="button"
                >
                  不同意
                </View>
              )}
            </View>
          )}
        </View>
      )}

      {(can('confirm') || can('urge') || can('cancel') || can('reopen')) && (
        <View className="card detail-actions">
          {can('confirm') && (
            <>
              <View className="btn btn-primary btn-block" onClick={() => goRate()} role="button">
                修好了，去评价
              </View>
              <View className="btn btn-block btn-danger" onClick={() => goRate(false)} role="button">
                没修好
              </View>
              <View
                className={`btn btn-block ${busy ? 'btn-disabled' : ''}`}
                onClick={() => void confirmDone()}
                role="button"
              >
                {ACTION_LABELS.confirm}
              </View>
            </>
          )}
          {can('urge') && (
            <View
              className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
              onClick={() => void act('urge', {}, '已催促处理')}
              role="button"
            >
              {busy === 'urge' ? '催单中…' : '催单'}
            </View>
          )}
          {can('reopen') && !can('confirm') && (
            <View className="btn btn-block btn-danger" onClick={() => setDialog('reopen')} role="button">
              没修好，申请返修
            </View>
          )}
          {can('cancel') && (
            <View className="btn btn-block btn-danger" onClick={() => setDialog('cancel')} role="button">
              取消报修
            </View>
          )}
        </View>
      )}

      {routingPending(o) && (
        <View className="card" role="status">
          <View className="card-title">维修师傅</View>
          <View className="large">{ROUTING_PENDING_LABEL}</View>
          <View className="muted">正在为您安排师傅，页面会自动更新</View>
        </View>
      )}

      {o.assignee && (
        <View className="card">
          <View className="card-title">维修师傅</View>
          <View className="row-between">
            <View>
              <View className="large">{o.assignee.name}</View>
              {o.assignee.phone && <View className="muted">{o.assignee.phone}</View>}
            </View>
            {canDial(o.assignee.phone) && (
              <View className="btn btn-primary detail-call" onClick={() => callPhone(o.assignee!.phone!)} role="button">
                打电话
              </View>
            )}
          </View>
        </View>
      )}

      <View className="card">
        <View className="card-title">报修内容</View>
        <View className="info-row">
          <Text className="info-key">类别</Text>
          <Text>{orderTitle(o, names)}</Text>
        </View>
        <View className="info-row">
          <Text className="info-key">地址</Text>
          <Text>{o.location}</Text>
        </View>
        {o.preferredTime && (
          <View className="info-row">
            <Text className="info-key">上门时间</Text>
            <Text>{o.preferredTime}</Text>
          </View>
        )}
        <View className="info-row">
          <Text className="info-key">提交时间</Text>
          <Text>{formatTime(o.createdAt)}</Text>
        </View>
        <View className="detail-desc">{o.description}</View>
        {photoUrls.length > 0 && (
          <View className="detail-photos">
            {photoUrls.map((url) => (
              <Image
                key={url}
                className="detail-photo"
                src={url}
                mode="aspectFill"
                onClick={() => void Taro.previewImage({ urls: photoUrls, current: url })}
              />
            ))}
          </View>
        )}
      </View>

      <View className="card">
        <View className="card-title">进度</View>
        {timeline.map((e, i) => (
          <View key={e.id} className={`event ${i === 0 ? 'event-latest' : ''}`}>
            <View className="event-dot" />
            <View className="event-body">
              <View className="row-between">
                <Text className="event-title">{eventTitle(e)}</Text>
                <Text className="muted">{formatTime(e.at)}</Text>
              </View>
              <View className="muted">
                {e.actor.role === 'system' ? '系统' : e.actor.name}
                {e.to !== e.from ? ` · ${STATUS_LABELS[e.to]}` : ''}
              </View>
              {e.note && <View className="event-note">{e.note}</View>}
              {e.photos.length > 0 && (
                <View className="detail-photos">
                  {e.photos.map((p) => (
                    <Image
                      key={p.id}
                      className="detail-photo"
                      src={resolveUrl(p.url)}
                      mode="aspectFill"
                      onClick={() =>
                        void Taro.previewImage({
                          urls: e.photos.map((x) => resolveUrl(x.url)),
                          current: resolveUrl(p.url),
                        })
                      }
                    />
                  ))}
                </View>
              )}
            </View>
          </View>
        ))}
      </View>

      {dialog === 'cancel' && (
        <ReasonSheet
          title="为什么取消报修？"
          reasons={CANCEL_REASONS}
          confirmText="确认取消"
          danger
          busy={busy === 'cancel'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('cancel', { reason }, '已取消')}
        />
      )}
      {dialog === 'reopen' && (
        <ReasonSheet
          title="哪里没修好？"
          reasons={REOPEN_REASONS}
          confirmText="申请返修"
          busy={busy === 'reopen'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('reopen', { reason }, '已申请返修')}
        />
      )}
    </Screen>
  );
}

import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  KIND_LABELS,
  PRICE_KIND_LABELS,
  PRIORITY_LABELS,
  BILL_STATUS_LABELS,
  QUOTE_FLAG_LABELS,
  QUOTE_REJECT_NEXT,
  RESIDENT_CANCEL_LABELS,
  residentNoteText,
  residentStatusLabel,
  residentTimelineLabel,
  ROUTING_PENDING_LABEL,
  routingPending,
  urgeTooSoonText,
  type SlaClockView,
  type TimelineEventView,
  type WorkOrderAction,
  type WorkOrderDetailView,
  type WorkOrderKind,
} from '@linli/shared';
import { ReasonSheet } from '../../../components/reason-sheet';
import { PayBill } from '../../../components/pay-bill';
import { ArrivalLine, promiseStateAt, StagePromises } from '../../../components/stage-promises';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { useOrder } from '../../../hooks/use-order';
import { api, ApiError, resolveUrl } from '../../../services/api';
import { storage } from '../../../services/storage';
import { textOf } from '../../../services/errors';
import { formatTime, isOpen, orderTitle, statusTone, yuan } from '../../../services/format';
import { callPhone, canDial, requestSubscriptions } from '../../../services/platform';
import './index.scss';

const CANCEL_REASONS: Record<WorkOrderKind, string[]> = {
  repair: ['问题已自己解决', '重复提交了', '暂时不需要维修'],
  complaint: ['问题已经解决了', '重复提交了', '已和物业当面沟通'],
  suggestion: ['已经有答复了', '重复提交了', '不需要了'],
};
const REOPEN_REASONS: Record<WorkOrderKind, string[]> = {
  repair: ['问题又出现了', '没有修好', '修坏了别的地方'],
  complaint: ['问题没有解决', '答复不满意', '问题又出现了'],
  suggestion: ['没有回答我的问题', '答复不满意'],
};

type Dialog = 'cancel' | 'reopen' | 'reject_quote' | null;

const REJECT_QUOTE_REASONS = ['价格太高', '不需要报价中的项目', '想自己购买材料', '想和物业沟通后再定'];

function eventTitle(e: TimelineEventView, kind: WorkOrderKind): string {
  // Consecutive urges come as one line with their count.
  const label = residentTimelineLabel(e.action, kind);
  return e.count && e.count > 1 ? `${label} ×${e.count}` : label;
}

/** Whether the supervisors were told about the running deadlines (75% warned, or breached). */
function escalated(clocks: readonly SlaClockView[] | undefined): boolean {
  const cycle = Math.max(0, ...(clocks ?? []).map((c) => c.cycle));
  return (clocks ?? []).some((c) => c.cycle === cycle && c.escalations.some((x) => x.level >= 2));
}

/**
 * Whether a promise made to the resident has been broken and the order is still open: a stage
 * past its promised time and not done (an older server without promises: the nearest deadline).
 */
function isLate(o: WorkOrderDetailView, now: number): boolean {
  if (!isOpen(o.status)) return false;
  if (o.promises) return o.promises.some((p) => promiseStateAt(p, now) === 'overdue');
  return o.slaDueAt !== null && Date.parse(o.slaDueAt) < now;
}

/** `details.nextUrgeAt` of an URGE_TOO_SOON answer. */
function urgeRetryAt(details: unknown): string | null {
  const next = (details as { nextUrgeAt?: unknown } | null)?.nextUrgeAt;
  return typeof next === 'string' ? next : null;
}

export default function OrderDetailPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const { order, now } = useOrder(id);
  const categories = useLoader(() => api.categories(), []);
  // An overdue order says whether it has been escalated: the SLA clocks, read once it is late.
  const late = !!order.data && isLate(order.data, now);
  const clocks = useLoader(() => (late ? api.slaClocks(id) : Promise.resolve([])), [late, id]);
  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);
  const [busy, setBusy] = useState<WorkOrderAction | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const busyRef = useRef(false);
  // The predicted arrival is computed when the page reads the order: once its latest bound has
  // passed, read again (the technician's queue has moved on) rather than show a time gone by.
  // At most once per tick of `now` (30 s), so a phone whose clock runs ahead does not loop.
  const arrivalDue = order.data?.arrival ? Date.parse(order.data.arrival.latestAt) : null;
  const reloadedAt = useRef(0);
  useEffect(() => {
    if (arrivalDue === null || arrivalDue > now || reloadedAt.current === now) return;
    reloadedAt.current = now;
    void order.reload();
  }, [arrivalDue, now]);

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
      const next = err instanceof ApiError && err.code === 'URGE_TOO_SOON' ? urgeRetryAt(err.details) : null;
      void Taro.showToast({ title: next ? urgeTooSoonText(next) : textOf(err), icon: 'none', duration: 3000 });
      // The button waits until the next urge is allowed.
      if (next) order.setData({ ...o, nextUrgeAt: next });
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

  // 修好了 opens the rating with fixed=true chosen, 没修好 with fixed=false (never fixed: null).
  const goRate = (fixed: boolean) =>
    void Taro.navigateTo({ url: `/subpackages/orders/rate/index?id=${id}&fixed=${fixed ? 1 : 0}` });

  const o: WorkOrderDetailView | undefined = order.data;
  if (!o) {
    return (
      <Screen>
        <StateView loading={order.loading} error={order.error} onRetry={() => void order.reload()} />
      </Screen>
    );
  }

  const can = (a: WorkOrderAction) => o.actions.includes(a);
  const urgeWait = o.nextUrgeAt && Date.parse(o.nextUrgeAt) > now ? o.nextUrgeAt : null;
  const overdue = isLate(o, now);
  const kind = o.kind;
  const feedback = kind !== 'repair';
  const hotline = o.servicePhone ?? null;
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
          <Text className="detail-status">{residentStatusLabel(o)}</Text>
          <Text className={`pill pill-${statusTone(o.status)}`}>{PRIORITY_LABELS[o.priority]}</Text>
        </View>
        {overdue && (
          <View className="detail-overdue" role="alert">
            <View>非常抱歉，您的{KIND_LABELS[kind]}没有在承诺时间内处理完，我们正在加紧处理。</View>
            {escalated(clocks.data) && <View>已通知物业主管加急处理。</View>}
            <View className="row-between detail-hotline">
              <Text>{hotline ? `着急可拨打物业服务电话 ${hotline}` : '着急可直接联系物业服务中心'}</Text>
              {hotline && canDial(hotline) && (
                <View className="btn btn-primary detail-call" onClick={() => callPhone(hotline)} role="button">
                  拨打物业电话
                </View>
              )}
            </View>
          </View>
        )}
        {o.urgeCount > 0 && isOpen(o.status) && <View className="muted">已催单 {o.urgeCount} 次</View>}
        <View className="muted">工单号 {o.no}</View>
      </View>

      {o.quote && o.quote.state === 'supervisor' && (
        <View className="card" role="status">
          <View className="card-title">维修报价</View>
          <View className="muted">
            师傅的报价超过小区的审核金额，物业主管审核后会发给您确认。等待期间不计入维修时限。
          </View>
        </View>
      )}
      {o.quote && o.quote.state !== 'supervisor' && (
        <View className="card" aria-label="维修报价">
          <View className="row-between">
            <Text className="card-title">维修报价</Text>
            {o.quote.approved === true && <Text className="pill pill-ok">已同意</Text>}
            {o.quote.approved === false && <Text className="pill pill-muted">未同意</Text>}
          </View>
          {o.status === 'quoted' && o.quote.approved === null && (
            <View className="muted detail-note">请核对每一项与收费标准。等待您确认期间，不计入维修时限。</View>
          )}
          {o.quote.items.map((item, i) => (
            <View key={i} className="quote-row" data-testid="quote-row">
              <View className="quote-name">
                <Text>{item.name}</Text>
                <Text className="muted">
                  {PRICE_KIND_LABELS[item.kind]} · {item.quantity}
                  {item.unit} × {yuan(item.unitPriceFen)}
                </Text>
                <Text className="muted quote-list-price">
                  {item.listPriceFen === null
                    ? '收费标准中没有此项'
                    : `收费标准 ${yuan(item.listPriceFen)}/${item.unit}`}
                </Text>
                {item.flag && (
                  <View className="quote-flag" role="note">
                    <Text className="pill pill-warn">{QUOTE_FLAG_LABELS[item.flag]}</Text>
                    <Text className="quote-flag-reason">师傅说明：{item.reason}</Text>
                  </View>
                )}
              </View>
              <Text className="quote-amount">{yuan(item.amountFen)}</Text>
            </View>
          ))}
          <View className="row-between quote-total">
            <Text>合计</Text>
            <Text className="quote-total-amount">{yuan(o.quote.totalFen)}</Text>
          </View>
          {o.quote.state === 'rejected' && (
            <View className="muted detail-note" role="note">
              您未同意这份报价{o.quote.rejectReason ? `（${o.quote.rejectReason}）` : ''}。
              {QUOTE_REJECT_NEXT.replace('不同意后，', '')}
            </View>
          )}
          {o.status === 'quoted' && o.quote.approved === null && !can('approve_quote') && (
            // The server keeps fee approval to the owner and members the owner allowed (docs/households.md).
            <View className="muted detail-note" role="note">
              只有业主或业主授权的家庭成员可以审批费用，请联系业主处理。
            </View>
          )}
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
                  onClick={() => !busy && setDialog('reject_quote')}
                  role="button"
                >
                  不同意
                </View>
              )}
            </View>
          )}
        </View>
      )}

      {o.bill && (
        <View className="card" aria-label="维修账单">
          <View className="row-between">
            <Text className="card-title">维修账单</Text>
            <Text className={`pill ${o.bill.status === 'unpaid' ? 'pill-warn' : 'pill-ok'}`}>
              {BILL_STATUS_LABELS[o.bill.status]}
            </Text>
          </View>
          {o.bill.status === 'free' && <View className="muted">本次维修在物业费范围内，不收费。</View>}
          {o.bill.lines.map((l, i) => (
            <View key={i} className="quote-row" data-testid="bill-row">
              <View className="quote-name">
                <Text>{l.name}</Text>
                <Text className="muted">
                  {l.quantity}
                  {l.unit} × {yuan(l.unitPriceFen)}
                </Text>
              </View>
              <Text className="quote-amount">{yuan(l.amountFen)}</Text>
            </View>
          ))}
          {o.bill.status !== 'free' && (
            <View className="row-between quote-total">
              <Text>应付（不超过已同意的报价 {yuan(o.bill.approvedQuoteFen)}）</Text>
              <Text className="quote-total-amount" data-testid="bill-total">
                {yuan(o.bill.totalFen)}
              </Text>
            </View>
          )}
          {o.bill.status === 'waived' && (
            <View className="muted detail-note">物业已减免本次费用：{o.bill.waivedReason}</View>
          )}
          {o.bill.status === 'unpaid' && (
            <View className="muted detail-note" role="note">
              支付后才能确认完成并评价；如有疑问请联系物业服务中心。
            </View>
          )}
          {o.bill.status === 'unpaid' && o.bill.dueFen > 0 && storage.user()?.role === 'resident' && (
            <PayBill orderId={o.id} dueFen={o.bill.dueFen} onPaid={() => void order.reload()} />
          )}
          {o.bill.paidFen > 0 && (
            <View
              className="link detail-note"
              role="link"
              data-testid="open-receipt"
              onClick={() => void Taro.navigateTo({ url: `/subpackages/orders/receipt/index?id=${o.id}` })}
            >
              查看电子收据
            </View>
          )}
        </View>
      )}

      {o.status === 'completed' &&
        !can('confirm') &&
        storage.user()?.role === 'resident' &&
        o.reporter &&
        o.reporter.id !== storage.user()?.id && (
          // Only the reporter confirms and rates; a housemate follows the order.
          <View className="card muted detail-note" role="note">
            维修已完成，等待报修人{o.reporter.name}确认并评价。
          </View>
        )}
      {(can('confirm') || can('urge') || can('cancel') || can('reopen')) && (
        <View className="card detail-actions">
          {can('confirm') && (
            <>
              <View className="btn btn-primary btn-block" onClick={() => goRate(true)} role="button">
                {feedback ? '已解决，去评价' : '修好了，去评价'}
              </View>
              <View className="btn btn-block btn-danger" onClick={() => goRate(false)} role="button">
                {feedback ? '没解决' : '没修好'}
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
              className={`btn btn-primary btn-block ${busy || urgeWait ? 'btn-disabled' : ''}`}
              onClick={() =>
                urgeWait
                  ? void Taro.showToast({ title: urgeTooSoonText(urgeWait), icon: 'none', duration: 3000 })
                  : void act('urge', {}, '已催促处理')
              }
              role="button"
              aria-disabled={urgeWait ? true : undefined}
            >
              {busy === 'urge' ? '催单中…' : urgeWait ? urgeTooSoonText(urgeWait).split('，').at(-1) : '催单'}
            </View>
          )}
          {can('reopen') && !can('confirm') && (
            <View className="btn btn-block btn-danger" onClick={() => setDialog('reopen')} role="button">
              {feedback ? '没解决，要求重新处理' : '没修好，申请返修'}
            </View>
          )}
          {can('cancel') && (
            <View className="btn btn-block btn-danger" onClick={() => setDialog('cancel')} role="button">
              {RESIDENT_CANCEL_LABELS[kind]}
            </View>
          )}
        </View>
      )}

      {o.status === 'pooled' && !o.assignee && (
        <View className="card" role="status">
          <View className="card-title">维修师傅</View>
          <View className="large">等待师傅接单</View>
          <View className="muted">已通知可以上门的师傅，有师傅接单后会通知您</View>
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
          {o.arrival && isOpen(o.status) && <ArrivalLine arrival={o.arrival} now={now} />}
        </View>
      )}

      <StagePromises promises={o.promises ?? []} arrival={isOpen(o.status) ? o.arrival : null} now={now} />

      <View className="card">
        <View className="card-title">{feedback ? `${KIND_LABELS[kind]}内容` : '报修内容'}</View>
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
                <Text className="event-title">{eventTitle(e, kind)}</Text>
                <Text className="muted">{formatTime(e.at)}</Text>
              </View>
              <View className="muted">
                {e.actor.role === 'system' ? '系统' : e.actor.name}
                {e.to !== e.from ? ` · ${residentStatusLabel({ status: e.to, kind })}` : ''}
              </View>
              {residentNoteText(e.action, e.note) && (
                <View className="event-note">{residentNoteText(e.action, e.note)}</View>
              )}
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
          title={`为什么${RESIDENT_CANCEL_LABELS[kind]}？`}
          reasons={CANCEL_REASONS[kind]}
          confirmText={feedback ? '确认撤回' : '确认取消'}
          danger
          busy={busy === 'cancel'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('cancel', { reason }, feedback ? '已撤回' : '已取消')}
        />
      )}
      {dialog === 'reopen' && (
        <ReasonSheet
          title={feedback ? '哪里没解决？' : '哪里没修好？'}
          reasons={REOPEN_REASONS[kind]}
          confirmText={feedback ? '要求重新处理' : '申请返修'}
          busy={busy === 'reopen'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('reopen', { reason }, feedback ? '已要求重新处理' : '已申请返修')}
        />
      )}
      {dialog === 'reject_quote' && (
        <ReasonSheet
          title="确定不同意这份报价？"
          note={QUOTE_REJECT_NEXT}
          reasons={REJECT_QUOTE_REASONS}
          confirmText="确认不同意"
          danger
          busy={busy === 'reject_quote'}
          onCancel={() => setDialog(null)}
          onConfirm={(reason) => void act('reject_quote', { reason }, '已告知师傅')}
        />
      )}
    </Screen>
  );
}

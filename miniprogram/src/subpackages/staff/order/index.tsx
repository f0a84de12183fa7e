import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  PRICE_KIND_LABELS,
  PRIORITY_LABELS,
  QUOTE_FLAG_LABELS,
  QUOTE_STATE_LABELS,
  BILL_STATUS_LABELS,
  STATUS_LABELS,
  visitWindowText,
  type WorkOrderAction,
  type WorkOrderDetailView,
} from '@linli/shared';
import { ReasonSheet } from '../../../components/reason-sheet';
import { Screen } from '../../../components/screen';
// After the components it shares styles with, so the chunks keep one CSS order.
import { ActionCard, InfoRow, OrderPending, OrderTimeline, PhotoThumbs } from '../../../components/order-parts';
import { useOrder } from '../../../hooks/use-order';
import { useOrderActions } from '../../../hooks/use-order-actions';
import { categoryName, isOpen, slaText, statusTone, yuan } from '../../../services/format';
import { positionForAction } from '../../../services/location';
import { PriorityMark } from '../priority-mark';
import { CompleteSheet } from './sheets/complete-sheet';
import { PauseSheet } from './sheets/pause-sheet';
import { QuoteSheet } from './sheets/quote-sheet';
import { TransferSheet } from './sheets/transfer-sheet';
import './index.scss';

const DECLINE_REASONS = ['不在我的服务范围', '手头工单太多', '缺少工具或配件'];
/** One-tap actions, in the order they are shown. */
const SIMPLE: readonly WorkOrderAction[] = ['accept', 'depart', 'arrive', 'resume'];

type Dialog = 'decline' | 'pause' | 'quote' | 'complete' | 'transfer' | 'return_quote';
const QUEUE_URL = '/subpackages/staff/queue/index';
/** Actions after which the order leaves this technician's hands: go back to the queue. */
const HANDS_OFF: readonly WorkOrderAction[] = ['decline', 'transfer'];

export default function StaffOrderPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const { order, now } = useOrder(id);
  const { busy, dialog, setDialog, notice, act, sheet } = useOrderActions<Dialog>(order, {
    toastErrors: true,
    onDone: (action) => {
      if (HANDS_OFF.includes(action)) {
        // The order is someone else's now (or back in routing): nothing more to do here.
        void Taro.navigateBack().catch(() => Taro.redirectTo({ url: QUEUE_URL }));
      }
    },
  });

  /** 出发/到达 carry the phone's position when the technician allows it (settings, 上报位置). */
  const simple = async (a: WorkOrderAction) => {
    const at = a === 'depart' || a === 'arrive' ? await positionForAction() : null;
    await act(a, at ?? {});
  };

  const o: WorkOrderDetailView | undefined = order.data;
  if (!o) return <OrderPending order={order} />;

  const sla = isOpen(o.status) ? slaText(o.slaDueAt, now) : null;

  return (
    <Screen className="staff-order">
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}

      <View className="card">
        <View className="row-between">
          <Text className="detail-status">{STATUS_LABELS[o.status]}</Text>
          {/* The priority once: 紧急/加急 as the coloured mark, 普通/计划 as a plain pill. */}
          {o.priority === 'P1' || o.priority === 'P2' ? (
            <PriorityMark priority={o.priority} />
          ) : (
            <Text className={`pill pill-${statusTone(o.status)}`}>{PRIORITY_LABELS[o.priority]}</Text>
          )}
        </View>
        {sla && <View className={`staff-sla ${sla.late ? 'staff-late' : ''}`}>{sla.text}</View>}
        <View className="muted">工单号 {o.no}</View>
      </View>

      <ActionCard
        className="card staff-actions"
        allowed={o.actions}
        busy={!!busy}
        items={[
          ...SIMPLE.map((a) => ({
            action: a,
            tone: 'btn-primary',
            label: busy === a ? '提交中…' : ACTION_LABELS[a],
            onClick: () => void simple(a),
          })),
          { action: 'quote', onClick: () => setDialog('quote') },
          // A supervisor's review of a quote above the community's ceiling (docs/fees.md).
          {
            action: 'release_quote',
            tone: 'btn-primary',
            label: busy === 'release_quote' ? '提交中…' : '审核通过，发给住户',
            onClick: () => void act('release_quote', {}),
          },
          { action: 'return_quote', onClick: () => setDialog('return_quote') },
          { action: 'complete', tone: 'btn-primary', onClick: () => setDialog('complete') },
          { action: 'pause', onClick: () => setDialog('pause') },
          { action: 'transfer', onClick: () => setDialog('transfer') },
          { action: 'decline', tone: 'btn-danger', onClick: () => setDialog('decline') },
        ]}
      />

      {o.quote && (
        <View className="card">
          <View className="row-between">
            <Text className="card-title">报价</Text>
            <Text
              className={`pill ${o.quote.state === 'approved' ? 'pill-ok' : o.quote.state === 'rejected' || o.quote.state === 'returned' ? 'pill-muted' : 'pill-warn'}`}
            >
              {QUOTE_STATE_LABELS[o.quote.state]}
            </Text>
          </View>
          {o.status === 'quoted' && (
            <View className="muted staff-quote-pause">
              {o.quote.state === 'supervisor' ? '报价待主管审核' : '报价待住户确认'}，处理时限已暂停
            </View>
          )}
          {o.quote.items.map((item, i) => (
            <View key={i} className="staff-line">
              <View className="row-between">
                <Text>
                  {item.name}（{PRICE_KIND_LABELS[item.kind]}）{item.quantity} × {yuan(item.unitPriceFen)}
                </Text>
                <Text>{yuan(item.amountFen)}</Text>
              </View>
              {item.flag && (
                <View className="staff-flag" data-testid="quote-flag">
                  <Text className="pill pill-warn">{QUOTE_FLAG_LABELS[item.flag]}</Text>
                  {item.listPriceFen !== null && <Text className="muted"> 标准价 {yuan(item.listPriceFen)}</Text>}
                  <Text className="muted"> 原因：{item.reason}</Text>
                </View>
              )}
            </View>
          ))}
          <View className="row-between staff-total">
            <Text>合计</Text>
            <Text>{yuan(o.quote.totalFen)}</Text>
          </View>
          {o.quote.rejectReason && o.quote.state === 'rejected' && (
            <View className="staff-error">住户未同意的原因：{o.quote.rejectReason}</View>
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
          {o.bill.lines.map((l, i) => (
            <View key={i} className="row-between staff-line">
              <Text>
                {l.name} {l.quantity} × {yuan(l.unitPriceFen)}
              </Text>
              <Text>{yuan(l.amountFen)}</Text>
            </View>
          ))}
          <View className="row-between staff-total">
            <Text>合计</Text>
            <Text>{yuan(o.bill.totalFen)}</Text>
          </View>
          {o.bill.status === 'waived' && <View className="muted">已减免：{o.bill.waivedReason}</View>}
        </View>
      )}

      <View className="card">
        <View className="card-title">报修内容</View>
        <InfoRow label="类别">{categoryName(o.category)}</InfoRow>
        <InfoRow label="地址">{o.location}</InfoRow>
        {o.reporter && (
          <InfoRow label="报修人" phone={o.reporter.phone}>
            {o.reporter.name}
            {o.reporter.phone ? ` ${o.reporter.phone}` : ''}
          </InfoRow>
        )}
        {o.visitWindow ? (
          <InfoRow label="上门时间">{visitWindowText(o.visitWindow, new Date(now))}</InfoRow>
        ) : (
          o.preferredTime && <InfoRow label="上门时间">{o.preferredTime}</InfoRow>
        )}
        <View className="staff-desc">{o.description}</View>
        <PhotoThumbs photos={o.photos} label="住户照片" />
      </View>

      <OrderTimeline timeline={o.timeline} itemClassName="staff-event" titleClassName="staff-event-title" />

      {dialog === 'decline' && (
        <ReasonSheet
          title="为什么拒单？"
          reasons={DECLINE_REASONS}
          confirmText="确认拒单"
          danger
          {...sheet('decline')}
          onConfirm={(reason) => void act('decline', { reason })}
        />
      )}
      {dialog === 'pause' && (
        <PauseSheet
          {...sheet('pause')}
          onConfirm={(pauseReason, note) => void act('pause', { pauseReason, ...(note ? { note } : {}) })}
        />
      )}
      {dialog === 'quote' && (
        <QuoteSheet
          communityId={o.communityId}
          category={o.category}
          {...sheet('quote')}
          onConfirm={(quoteItems) => void act('quote', { quoteItems })}
        />
      )}
      {dialog === 'return_quote' && (
        <ReasonSheet
          title="退回报价的原因"
          reasons={['请按收费标准报价', '标准外项目原因不充分', '请与住户沟通后重新报价']}
          confirmText="退回给师傅"
          {...sheet('return_quote')}
          onConfirm={(reason) => void act('return_quote', { reason })}
        />
      )}
      {dialog === 'transfer' && (
        <TransferSheet
          communityId={o.communityId}
          exclude={o.about?.id}
          {...sheet('transfer')}
          onConfirm={(assigneeId, reason) => void act('transfer', { assigneeId, reason })}
        />
      )}
      {dialog === 'complete' && (
        <CompleteSheet
          complaint={o.kind === 'complaint'}
          quote={o.quote?.state === 'approved' && (!o.bill || o.bill.status === 'unpaid') ? o.quote : undefined}
          {...sheet('complete')}
          onConfirm={(photoIds, note, fee) => void act('complete', { photoIds, ...(note ? { note } : {}), ...fee })}
        />
      )}
    </Screen>
  );
}

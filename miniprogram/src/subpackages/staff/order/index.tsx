import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  PRICE_KIND_LABELS,
  PRIORITY_LABELS,
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

type Dialog = 'decline' | 'pause' | 'quote' | 'complete' | 'transfer';
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
            {o.quote.approved === true && <Text className="pill pill-ok">住户已同意</Text>}
            {o.quote.approved === false && <Text className="pill pill-muted">住户未同意</Text>}
            {o.quote.approved === null && <Text className="pill pill-warn">等待住户确认</Text>}
          </View>
          {o.quote.items.map((item, i) => (
            <View key={i} className="row-between staff-line">
              <Text>
                {item.name}（{PRICE_KIND_LABELS[item.kind]}）{item.quantity} × {yuan(item.unitPriceFen)}
              </Text>
              <Text>{yuan(item.quantity * item.unitPriceFen)}</Text>
            </View>
          ))}
          <View className="row-between staff-total">
            <Text>合计</Text>
            <Text>{yuan(o.quote.totalFen)}</Text>
          </View>
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
          {...sheet('complete')}
          onConfirm={(photoIds, note) => void act('complete', { photoIds, ...(note ? { note } : {}) })}
        />
      )}
    </Screen>
  );
}

import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type PauseReason,
  type QuoteItem,
  type WorkOrderAction,
  type WorkOrderDetailView,
} from '@linli/shared';
import { PhotoField, usePhotoUploads } from '../../../components/photo-field';
import { ReasonSheet } from '../../../components/reason-sheet';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
// After the components it shares styles with, so the chunks keep one CSS order.
import { ActionCard, InfoRow, OrderPending, OrderTimeline, PAUSE_OPTIONS } from '../../../components/order-parts';
import { useLoader } from '../../../hooks/use-loader';
import { useOrder } from '../../../hooks/use-order';
import { useOrderActions } from '../../../hooks/use-order-actions';
import { api } from '../../../services/api';
import { categoryName, isOpen, slaText, statusTone, yuan } from '../../../services/format';
import { staffApi, type ColleagueView } from '../../../services/staff-api';
import type { PriceItemView } from '../../../services/types';
import { PriorityMark } from '../priority-mark';
import './index.scss';

const DECLINE_REASONS = ['不在我的服务范围', '手头工单太多', '缺少工具或配件'];
/** One-tap actions, in the order they are shown. */
const SIMPLE: readonly WorkOrderAction[] = ['accept', 'depart', 'arrive', 'resume'];

type Dialog = 'decline' | 'pause' | 'quote' | 'complete' | 'transfer';
const QUEUE_URL = '/subpackages/staff/queue/index';
/** Actions after which the order leaves this technician's hands: go back to the queue. */
const HANDS_OFF: readonly WorkOrderAction[] = ['decline', 'transfer'];

/** Yuan text typed by a person → fen, or null. */
export function toFen(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

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
          <View className="staff-order-status">
            <PriorityMark priority={o.priority} />
            <Text className="detail-status">{STATUS_LABELS[o.status]}</Text>
          </View>
          <Text className={`pill pill-${statusTone(o.status)}`}>{PRIORITY_LABELS[o.priority]}</Text>
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
            onClick: () => void act(a),
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
                {item.name}（{item.kind === 'labour' ? '人工' : '材料'}）{item.quantity} × {yuan(item.unitPriceFen)}
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
        {o.preferredTime && <InfoRow label="上门时间">{o.preferredTime}</InfoRow>}
        <View className="staff-desc">{o.description}</View>
      </View>

      <OrderTimeline
        timeline={o.timeline}
        itemClassName="staff-event"
        titleClassName="staff-event-title"
        createLabel="提交报修"
      />

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

interface SheetProps<A extends unknown[]> {
  busy: boolean;
  onCancel: () => void;
  onConfirm: (...args: A) => void;
}

function SheetButtons({
  busy,
  ready,
  confirmText,
  onCancel,
  onConfirm,
}: {
  busy: boolean;
  ready: boolean;
  confirmText: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <View className="staff-sheet-actions">
      <View className="btn staff-sheet-btn" onClick={onCancel} role="button">
        返回
      </View>
      <View
        className={`btn btn-primary staff-sheet-btn ${!ready || busy ? 'btn-disabled' : ''}`}
        onClick={() => ready && !busy && onConfirm()}
        role="button"
        aria-disabled={!ready || busy}
      >
        {busy ? '提交中…' : confirmText}
      </View>
    </View>
  );
}

function PauseSheet({ busy, onCancel, onConfirm }: SheetProps<[PauseReason, string]>) {
  const [reason, setReason] = useState<PauseReason | null>(null);
  const [note, setNote] = useState('');
  const ready = !!reason && (reason !== 'other' || !!note.trim());
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="暂停原因">
        <View className="title">暂停原因</View>
        {PAUSE_OPTIONS.map((p) => (
          <View
            key={p.value}
            className={`staff-option ${reason === p.value ? 'staff-option-on' : ''}`}
            onClick={() => setReason(p.value)}
            role="radio"
            aria-checked={reason === p.value}
          >
            {p.label}
          </View>
        ))}
        {reason && (
          <Textarea
            className="textarea"
            value={note}
            maxlength={200}
            placeholder={reason === 'other' ? '请写下原因' : '备注（选填）'}
            placeholderClass="placeholder"
            onInput={(e) => setNote(e.detail.value)}
            aria-label="暂停备注"
          />
        )}
        <SheetButtons
          busy={busy}
          ready={ready}
          confirmText="确认暂停"
          onCancel={onCancel}
          onConfirm={() => onConfirm(reason!, note.trim())}
        />
      </View>
    </View>
  );
}

function QuoteSheet({
  communityId,
  category,
  busy,
  onCancel,
  onConfirm,
}: SheetProps<[QuoteItem[]]> & { communityId: number; category: string }) {
  const prices = useLoader(() => api.priceList(communityId), [communityId]);
  const [lines, setLines] = useState<QuoteItem[]>([]);
  const [labourName, setLabourName] = useState('');
  const [labourPrice, setLabourPrice] = useState('');
  const [labourError, setLabourError] = useState<string | null>(null);

  // The order's category first.
  const list: PriceItemView[] = [...(prices.data ?? [])].sort(
    (a, b) => Number(b.category === category) - Number(a.category === category),
  );
  const total = lines.reduce((n, l) => n + l.quantity * l.unitPriceFen, 0);

  const addPrice = (p: PriceItemView) =>
    setLines((ls) => {
      const i = ls.findIndex((l) => l.name === p.name && l.kind === p.kind && l.unitPriceFen === p.priceFen);
      if (i >= 0) return ls.map((l, j) => (j === i ? { ...l, quantity: l.quantity + 1 } : l));
      return [...ls, { kind: p.kind, name: p.name, quantity: 1, unitPriceFen: p.priceFen }];
    });
  const setQuantity = (i: number, q: number) =>
    setLines((ls) => (q <= 0 ? ls.filter((_, j) => j !== i) : ls.map((l, j) => (j === i ? { ...l, quantity: q } : l))));
  const addLabour = () => {
    const fen = toFen(labourPrice);
    if (!labourName.trim() || fen === null || fen <= 0) {
      setLabourError('请填写人工项目名称和金额（元）');
      return;
    }
    setLabourError(null);
    setLines((ls) => [...ls, { kind: 'labour', name: labourName.trim(), quantity: 1, unitPriceFen: fen }]);
    setLabourName('');
    setLabourPrice('');
  };

  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet staff-quote" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="报价">
        <View className="title">报价</View>
        <View className="section-title">收费标准（点选添加）</View>
        {!prices.data ? (
          <StateView loading={prices.loading} error={prices.error} onRetry={() => void prices.reload()} />
        ) : (
          <View className="staff-prices">
            {list.map((p) => (
              <View
                key={p.id}
                className="row-between staff-price"
                onClick={() => addPrice(p)}
                role="button"
                aria-label={`添加 ${p.name}`}
              >
                <Text>
                  {p.name}（{p.kind === 'labour' ? '人工' : '材料'}）
                </Text>
                <Text className="muted">
                  {yuan(p.priceFen)}/{p.unit}
                </Text>
              </View>
            ))}
          </View>
        )}

        <View className="section-title">其他人工</View>
        <View className="staff-labour">
          <Input
            className="input staff-labour-name"
            value={labourName}
            placeholder="人工项目"
            placeholderClass="placeholder"
            onInput={(e) => setLabourName(e.detail.value)}
            aria-label="人工项目"
          />
          <Input
            className="input staff-labour-price"
            value={labourPrice}
            type="digit"
            placeholder="金额（元）"
            placeholderClass="placeholder"
            onInput={(e) => setLabourPrice(e.detail.value)}
            aria-label="人工金额"
          />
          <View className="btn staff-labour-add" onClick={addLabour} role="button">
            添加人工
          </View>
        </View>
        {labourError && <View className="staff-error">{labourError}</View>}

        <View className="section-title">报价明细</View>
        {lines.length === 0 && <View className="muted">还没有报价项目</View>}
        {lines.map((l, i) => (
          <View key={`${l.kind}-${l.name}-${i}`} className="row-between staff-line" data-testid="quote-line">
            <Text className="staff-line-name">
              {l.name} {yuan(l.unitPriceFen)}
            </Text>
            <View className="staff-stepper">
              <View
                className="staff-step"
                onClick={() => setQuantity(i, l.quantity - 1)}
                role="button"
                aria-label={`减少 ${l.name}`}
              >
                −
              </View>
              <Text className="staff-qty">{l.quantity}</Text>
              <View
                className="staff-step"
                onClick={() => setQuantity(i, l.quantity + 1)}
                role="button"
                aria-label={`增加 ${l.name}`}
              >
                +
              </View>
            </View>
          </View>
        ))}
        <View className="row-between staff-total">
          <Text>合计</Text>
          <Text data-testid="quote-total">{yuan(total)}</Text>
        </View>
        <SheetButtons
          busy={busy}
          ready={lines.length > 0}
          confirmText="提交报价"
          onCancel={onCancel}
          onConfirm={() => onConfirm(lines)}
        />
      </View>
    </View>
  );
}

const TRANSFER_REASONS = ['不在我的技能范围', '手头工单太多', '需要同事协助', '临时有事'];

/** Hand an accepted or assigned order to a colleague serving the same community, with a reason. */
function TransferSheet({
  communityId,
  busy,
  onCancel,
  onConfirm,
}: SheetProps<[number, string]> & { communityId: number }) {
  const colleagues = useLoader(() => staffApi.colleagues(), []);
  const [picked, setPicked] = useState<number | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const list = (colleagues.data ?? []).filter((c) => c.communityIds.includes(communityId));
  const state = (c: ColleagueView) =>
    c.onLeave ? '请假中' : !c.onShift ? '不在班' : `在办 ${c.openOrders}/${c.capacity}`;
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="转单">
        <View className="title">转给同事</View>
        {!colleagues.data ? (
          <StateView loading={colleagues.loading} error={colleagues.error} onRetry={() => void colleagues.reload()} />
        ) : list.length === 0 ? (
          <View className="muted">本小区没有可以转给的同事</View>
        ) : (
          list.map((c) => (
            <View
              key={c.id}
              className={`staff-option row-between ${picked === c.id ? 'staff-option-on' : ''}`}
              onClick={() => setPicked(c.id)}
              role="radio"
              aria-checked={picked === c.id}
              aria-label={c.name}
            >
              <Text>{c.name}</Text>
              <Text className={c.onLeave || !c.onShift ? 'staff-error' : 'muted'}>{state(c)}</Text>
            </View>
          ))
        )}
        <View className="section-title">转单原因</View>
        {TRANSFER_REASONS.map((r) => (
          <View
            key={r}
            className={`staff-option ${reason === r ? 'staff-option-on' : ''}`}
            onClick={() => setReason(r)}
            role="radio"
            aria-checked={reason === r}
          >
            {r}
          </View>
        ))}
        <SheetButtons
          busy={busy}
          ready={picked !== null && !!reason}
          confirmText="确认转单"
          onCancel={onCancel}
          onConfirm={() => onConfirm(picked!, reason!)}
        />
      </View>
    </View>
  );
}

/** Complete with after photos; a complaint instead needs the written answer to the complainant. */
function CompleteSheet({
  busy,
  complaint,
  onCancel,
  onConfirm,
}: SheetProps<[number[], string]> & { complaint: boolean }) {
  const uploads = usePhotoUploads();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const blocker = uploads.blocker();
    if (blocker) return setError(blocker);
    const ids = uploads.ids();
    if (complaint && !note.trim()) return setError('请填写给住户的处理答复');
    if (!complaint && ids.length === 0) return setError('请至少拍一张完工照片');
    setError(null);
    onConfirm(ids, note.trim());
  };
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="完工">
        <View className="title">{complaint ? '处理完毕' : '完工'}</View>
        <View className="section-title">{complaint ? '现场照片（选填）' : '完工照片'}</View>
        <PhotoField uploads={uploads} />
        <Textarea
          className="textarea"
          value={note}
          maxlength={500}
          placeholder={complaint ? '处理答复（住户可见，必填）' : '维修说明（选填）'}
          placeholderClass="placeholder"
          onInput={(e) => setNote(e.detail.value)}
          aria-label="维修说明"
        />
        {error && (
          <View className="staff-error" role="alert">
            {error}
          </View>
        )}
        <SheetButtons busy={busy} ready confirmText="确认完工" onCancel={onCancel} onConfirm={submit} />
      </View>
    </View>
  );
}

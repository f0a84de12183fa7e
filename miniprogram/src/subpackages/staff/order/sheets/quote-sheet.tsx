import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { priceItemName, type PriceItemView, type QuoteLineInput } from '@linli/shared';
import { StateView } from '../../../../components/state-view';
import { useLoader } from '../../../../hooks/use-loader';
import { api } from '../../../../services/api';
import { yuan } from '../../../../services/format';
import { SheetButtons, type SheetProps } from './sheet-buttons';

/** Yuan text typed by a person → fen, or null. */
export function toFen(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

/** A line being drafted: a price-list item, or a line off the list (which needs a reason). */
interface Draft {
  priceItemId?: number;
  kind: 'labour' | 'material';
  name: string;
  unit: string;
  quantity: number;
  unitPriceFen: number;
  reason?: string;
}

/** What the server is sent: list lines by id (it prices them), lines off the list in full. */
export function toQuoteInput(lines: Draft[]): QuoteLineInput[] {
  return lines.map((l) =>
    l.priceItemId !== undefined
      ? { priceItemId: l.priceItemId, quantity: l.quantity }
      : {
          kind: l.kind,
          name: l.name,
          unit: l.unit,
          unitPriceFen: l.unitPriceFen,
          quantity: l.quantity,
          reason: l.reason,
        },
  );
}

/**
 * A quote from the community's price list (the order's category first) plus lines off the list,
 * each with the reason the resident will read beside it (docs/fees.md).
 */
export function QuoteSheet({
  communityId,
  category,
  busy,
  onCancel,
  onConfirm,
}: SheetProps<[QuoteLineInput[]]> & { communityId: number; category: string }) {
  const prices = useLoader(() => api.priceList(communityId), [communityId]);
  const [lines, setLines] = useState<Draft[]>([]);
  const [labourName, setLabourName] = useState('');
  const [labourPrice, setLabourPrice] = useState('');
  const [labourUnit, setLabourUnit] = useState('项');
  const [labourReason, setLabourReason] = useState('');
  const [labourError, setLabourError] = useState<string | null>(null);

  // The order's category only; the rest of the list behind 其他类别 (a part from another trade).
  const [showAll, setShowAll] = useState(false);
  const all: PriceItemView[] = prices.data ?? [];
  const own = all.filter((p) => p.category === category);
  const others = all.filter((p) => p.category !== category);
  const total = lines.reduce((n, l) => n + l.quantity * l.unitPriceFen, 0);

  const addPrice = (p: PriceItemView) =>
    setLines((ls) => {
      const i = ls.findIndex((l) => l.priceItemId === p.id);
      if (i >= 0) return ls.map((l, j) => (j === i ? { ...l, quantity: l.quantity + 1 } : l));
      return [
        ...ls,
        { priceItemId: p.id, kind: p.kind, name: p.name, unit: p.unit, quantity: 1, unitPriceFen: p.priceFen },
      ];
    });
  const setQuantity = (i: number, q: number) =>
    setLines((ls) => (q <= 0 ? ls.filter((_, j) => j !== i) : ls.map((l, j) => (j === i ? { ...l, quantity: q } : l))));
  const addLabour = () => {
    const fen = toFen(labourPrice);
    if (!labourName.trim() || !labourUnit.trim() || fen === null || fen <= 0) {
      setLabourError('请填写项目名称、单位和金额（元）');
      return;
    }
    if (!labourReason.trim()) {
      setLabourError('收费标准外的项目需要填写原因（住户可见）');
      return;
    }
    setLabourError(null);
    setLines((ls) => [
      ...ls,
      {
        kind: 'labour',
        name: labourName.trim(),
        unit: labourUnit.trim(),
        quantity: 1,
        unitPriceFen: fen,
        reason: labourReason.trim(),
      },
    ]);
    setLabourName('');
    setLabourPrice('');
    setLabourReason('');
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
            {own.length === 0 && <View className="muted">本类别没有收费标准</View>}
            {own.map((p) => (
              <PriceRow key={p.id} item={p} onAdd={addPrice} />
            ))}
            {others.length > 0 && (
              <View
                className="link-btn staff-prices-toggle"
                onClick={() => setShowAll((v) => !v)}
                role="button"
                aria-expanded={showAll}
              >
                {showAll ? '收起其他类别' : `其他类别（全部 ${others.length} 项）`}
              </View>
            )}
            {showAll && others.map((p) => <PriceRow key={p.id} item={p} onAdd={addPrice} />)}
          </View>
        )}

        <View className="section-title">收费标准外的项目（需填写原因）</View>
        <View className="staff-labour">
          <Input
            className="input staff-labour-name"
            value={labourName}
            placeholder="项目名称"
            placeholderClass="placeholder"
            onInput={(e) => setLabourName(e.detail.value)}
            aria-label="项目名称"
          />
          <Input
            className="input staff-labour-price"
            value={labourPrice}
            type="digit"
            placeholder="单价（元）"
            placeholderClass="placeholder"
            onInput={(e) => setLabourPrice(e.detail.value)}
            aria-label="人工金额"
          />
          <Input
            className="input staff-labour-unit"
            value={labourUnit}
            placeholder="单位"
            placeholderClass="placeholder"
            onInput={(e) => setLabourUnit(e.detail.value)}
            aria-label="单位"
          />
        </View>
        <View className="staff-labour">
          <Input
            className="input staff-labour-reason"
            value={labourReason}
            placeholder="原因（住户可见）"
            placeholderClass="placeholder"
            onInput={(e) => setLabourReason(e.detail.value)}
            aria-label="标准外原因"
          />
          <View className="btn staff-labour-add" onClick={addLabour} role="button">
            添加项目
          </View>
        </View>
        {labourError && <View className="staff-error">{labourError}</View>}

        <View className="section-title">报价明细</View>
        {lines.length === 0 && <View className="muted">还没有报价项目</View>}
        {lines.map((l, i) => (
          <View key={`${l.kind}-${l.name}-${i}`} className="row-between staff-line" data-testid="quote-line">
            <Text className="staff-line-name">
              {l.name} {yuan(l.unitPriceFen)}/{l.unit}
              {l.priceItemId === undefined && <Text className="pill pill-warn">标准外：{l.reason}</Text>}
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
          onConfirm={() => onConfirm(toQuoteInput(lines))}
        />
      </View>
    </View>
  );
}

/** One line of the price list: name, kind, price per unit; a tap adds it to the quote. */
function PriceRow({ item: p, onAdd }: { item: PriceItemView; onAdd: (p: PriceItemView) => void }) {
  return (
    <View className="row-between staff-price" onClick={() => onAdd(p)} role="button" aria-label={`添加 ${p.name}`}>
      <Text>
        {priceItemName(p.name, p.kind).name}
        {priceItemName(p.name, p.kind).kind}
      </Text>
      <Text className="muted">
        {yuan(p.priceFen)}/{p.unit}
      </Text>
    </View>
  );
}

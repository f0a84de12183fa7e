import { Text, View } from '@tarojs/components';
import {
  BILL_STATUS_LABELS,
  PRICE_KIND_LABELS,
  QUOTE_FLAG_LABELS,
  QUOTE_STATE_LABELS,
  type OrderBillView,
  type WorkOrderDetailView,
} from '@linli/shared';
import { request } from '../../services/api';
import { yuan } from '../../services/format';

/** POST /api/work-orders/:id/bill/waive (the desk, a supervisor or an admin; audited). */
export const waiveBill = (orderId: number, reason: string, version: number) =>
  request<OrderBillView>('POST', `/api/work-orders/${orderId}/bill/waive`, { body: { reason, version } });

/**
 * The order's fees as the office sees them (docs/fees.md): the quote's state, each line with the
 * list price and its flag and reason, the resident's reason for a rejection; the bill and how it
 * was settled. The page puts the buttons (审核通过, 退回, 减免) in its action card.
 */
export function OrderFees({ order: o }: { order: WorkOrderDetailView }) {
  return (
    <>
      {o.quote && (
        <View className="card" aria-label="报价">
          <View className="row-between">
            <Text className="card-title">报价 {yuan(o.quote.totalFen)}</Text>
            <Text className={`pill ${o.quote.state === 'approved' ? 'pill-ok' : 'pill-warn'}`}>
              {QUOTE_STATE_LABELS[o.quote.state]}
            </Text>
          </View>
          {o.quote.items.map((item, i) => (
            <View key={i} className="office-item">
              <View className="row-between">
                <Text>
                  {item.name}（{PRICE_KIND_LABELS[item.kind]}）{item.quantity}
                  {item.unit} × {yuan(item.unitPriceFen)}
                </Text>
                <Text>{yuan(item.amountFen)}</Text>
              </View>
              {item.flag && (
                <View className="office-warn" data-testid="quote-flag">
                  {QUOTE_FLAG_LABELS[item.flag]}
                  {item.listPriceFen !== null ? `（标准价 ${yuan(item.listPriceFen)}）` : ''}：{item.reason}
                </View>
              )}
            </View>
          ))}
          {o.quote.state === 'rejected' && o.quote.rejectReason && (
            <View className="muted">住户未同意：{o.quote.rejectReason}</View>
          )}
        </View>
      )}
      {o.bill && (
        <View className="card" aria-label="维修账单">
          <View className="row-between">
            <Text className="card-title">账单 {yuan(o.bill.totalFen)}</Text>
            <Text className={`pill ${o.bill.status === 'unpaid' ? 'pill-warn' : 'pill-ok'}`}>
              {BILL_STATUS_LABELS[o.bill.status]}
            </Text>
          </View>
          {o.bill.lines.map((l, i) => (
            <View key={i} className="row-between">
              <Text>
                {l.name} {l.quantity}
                {l.unit} × {yuan(l.unitPriceFen)}
              </Text>
              <Text>{yuan(l.amountFen)}</Text>
            </View>
          ))}
          {o.bill.status === 'waived' && (
            <View className="muted">
              {o.bill.waivedBy?.name ?? ''} 已减免：{o.bill.waivedReason}
            </View>
          )}
        </View>
      )}
    </>
  );
}

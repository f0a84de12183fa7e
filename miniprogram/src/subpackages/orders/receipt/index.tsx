import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { BILL_STATUS_LABELS, PAYMENT_METHOD_LABELS, REFUND_STATUS_LABELS, type BillStatus } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { api } from '../../../services/api';
import { formatTime, yuan } from '../../../services/format';
import './index.scss';

/** The electronic receipt of an order: what was billed, paid (how, when, WeChat's number) and refunded. */
export default function ReceiptPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const receipt = useLoader(() => api.receipt(id), [id]);
  const r = receipt.data;
  return (
    <Screen className="receipt-page">
      {!r && <StateView loading={receipt.loading} error={receipt.error} onRetry={() => void receipt.reload()} />}
      {r && (
        <View className="card receipt" aria-label="电子收据" data-testid="receipt">
          <View className="receipt-head">
            <Text className="card-title">电子收据</Text>
            <Text className="muted">{r.companyName}</Text>
          </View>
          <View className="row-between">
            <Text className="muted">工单号</Text>
            <Text data-testid="receipt-order">{r.orderNo}</Text>
          </View>
          <View className="row-between">
            <Text className="muted">小区</Text>
            <Text>{r.communityName}</Text>
          </View>
          <View className="row-between">
            <Text className="muted">账单状态</Text>
            <Text>{BILL_STATUS_LABELS[r.billStatus as BillStatus] ?? r.billStatus}</Text>
          </View>
          <View className="receipt-section">
            {r.lines.map((l, i) => (
              <View key={i} className="row-between receipt-line">
                <Text>
                  {l.name} {l.quantity}
                  {l.unit} × {yuan(l.unitPriceFen)}
                </Text>
                <Text>{yuan(l.amountFen)}</Text>
              </View>
            ))}
            <View className="row-between receipt-total">
              <Text>合计</Text>
              <Text data-testid="receipt-total">{yuan(r.totalFen)}</Text>
            </View>
          </View>
          <View className="receipt-section">
            <Text className="receipt-sub">付款记录</Text>
            {r.payments.length === 0 && <Text className="muted">暂无付款</Text>}
            {r.payments.map((p) => (
              <View key={p.id} className="receipt-payment" data-testid="receipt-payment">
                <View className="row-between">
                  <Text>{PAYMENT_METHOD_LABELS[p.method]}</Text>
                  <Text>{yuan(p.amountFen)}</Text>
                </View>
                <Text className="muted">
                  {p.paidAt ? formatTime(p.paidAt) : ''}
                  {p.transactionId ? ` · 微信支付单号 ${p.transactionId}` : p.reference ? ` · 凭证 ${p.reference}` : ''}
                </Text>
              </View>
            ))}
          </View>
          {r.refunds.length > 0 && (
            <View className="receipt-section">
              <Text className="receipt-sub">退款记录</Text>
              {r.refunds.map((f) => (
                <View key={f.id} className="row-between" data-testid="receipt-refund">
                  <Text>
                    {REFUND_STATUS_LABELS[f.status]} · {f.reason}
                  </Text>
                  <Text>-{yuan(f.amountFen)}</Text>
                </View>
              ))}
            </View>
          )}
          <View className="row-between receipt-total">
            <Text>实付</Text>
            <Text data-testid="receipt-net">{yuan(r.netFen)}</Text>
          </View>
        </View>
      )}
    </Screen>
  );
}

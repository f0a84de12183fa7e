import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { View } from '@tarojs/components';
import { api } from '../../services/api';
import { textOf } from '../../services/errors';
import { yuan } from '../../services/format';
import { isH5 } from '../../services/platform';

/** How long the page waits for WeChat's notification to reach the server after requestPayment. */
const CONFIRM_TRIES = 10;
const CONFIRM_GAP_MS = 1000;

/**
 * 去支付 for an unpaid bill (docs/payments.md). In the mini-program: the server's signed
 * parameters go to Taro.requestPayment; its success is not proof of payment, so the page then
 * waits for the bill to read paid (WeChat's notification, or the server's query). In the H5
 * preview there is no requestPayment: the fake WeChat Pay's cashier page opens instead and comes
 * back to the order.
 */
export function PayBill({ orderId, dueFen, onPaid }: { orderId: number; dueFen: number; onPaid: () => void }) {
  const [state, setState] = useState<'idle' | 'paying' | 'confirming'>('idle');
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const confirm = async () => {
    setState('confirming');
    for (let i = 0; i < CONFIRM_TRIES; i++) {
      const r = await api.receipt(orderId).catch(() => null);
      if (r && r.billStatus === 'paid') {
        onPaid();
        void Taro.navigateTo({ url: `/subpackages/orders/receipt/index?id=${orderId}` });
        return;
      }
      await new Promise((res) => setTimeout(res, CONFIRM_GAP_MS));
    }
    setError('支付结果确认中，请稍后刷新查看；如已扣款无需重复支付');
    onPaid();
  };

  const pay = async () => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    setState('paying');
    try {
      const start = await api.startWechatPay(orderId);
      if (isH5 && start.cashierUrl && typeof window !== 'undefined') {
        const back = window.location.href;
        window.location.href = `${start.cashierUrl}&return=${encodeURIComponent(back)}`;
        return;
      }
      try {
        await Taro.requestPayment({
          timeStamp: start.params.timeStamp,
          nonceStr: start.params.nonceStr,
          package: start.params.package,
          signType: start.params.signType,
          paySign: start.params.paySign,
        } as Taro.requestPayment.Option);
      } catch (e) {
        const msg = String((e as { errMsg?: string })?.errMsg ?? e);
        setError(/cancel/.test(msg) ? '已取消支付' : '支付未完成，请重试');
        setState('idle');
        return;
      }
      await confirm();
    } catch (e) {
      setError(textOf(e));
      setState('idle');
    } finally {
      busy.current = false;
    }
  };

  return (
    <View className="pay-bill">
      <View
        className={`btn btn-primary btn-block${state !== 'idle' ? ' btn-disabled' : ''}`}
        role="button"
        aria-disabled={state !== 'idle'}
        data-testid="pay-bill"
        onClick={() => void pay()}
      >
        {state === 'paying' ? '正在发起支付…' : state === 'confirming' ? '支付结果确认中…' : `去支付 ${yuan(dueFen)}`}
      </View>
      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}
    </View>
  );
}

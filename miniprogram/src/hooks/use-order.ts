import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { api } from '../services/api';
import { requireLogin } from './use-session';
import { useLoader } from './use-loader';

/**
 * An order page's data: the order (reloaded when the page is shown again, e.g. back from the
 * rating page, and on pull-down) and a `now` that ticks every 30 s for SLA countdowns.
 */
export function useOrder(id: number) {
  const order = useLoader(() => api.getOrder(id), [id]);
  const [now, setNow] = useState(Date.now());
  const shown = useRef(false);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(timer);
  }, []);
  useDidShow(() => {
    if (!requireLogin()) return;
    if (shown.current) void order.reload();
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void order.reload().finally(() => Taro.stopPullDownRefresh());
  });
  return { order, now };
}

import { useEffect, useRef, useState } from 'react';
import { routingPending } from '@linli/shared';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { api } from '../services/api';
import { requireLogin } from './use-session';
import { useLive } from '../live/use-live';
import { useLoader } from './use-loader';

/**
 * An order page's data: the order (reloaded when the page is shown again, e.g. back from the
 * rating page, and on pull-down) and a `now` that ticks every 30 s for SLA countdowns.
 */
/** How often, and how many times, a page looks again while routing is deciding. */
const ROUTING_POLL_MS = 3000;
const ROUTING_POLLS = 20;

export function useOrder(id: number) {
  const order = useLoader(() => api.getOrder(id), [id]);
  const [now, setNow] = useState(Date.now());
  const shown = useRef(false);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(timer);
  }, []);
  // Routing decides right after the order is filed: while it has not, look again every few
  // seconds (a bounded number of times) so the page shows who is coming without a pull-down.
  const polls = useRef(0);
  const pending = order.data ? routingPending(order.data) : false;
  useEffect(() => {
    if (!pending || polls.current >= ROUTING_POLLS) return;
    const timer = setTimeout(() => {
      polls.current += 1;
      void order.reload();
    }, ROUTING_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, order.data]);
  useDidShow(() => {
    if (!requireLogin()) return;
    if (shown.current) void order.reload();
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void order.reload().finally(() => Taro.stopPullDownRefresh());
  });
  // Changes made elsewhere (the technician, the desk, routing) arrive over the live socket; a
  // notice of the version already shown (this page's own action) needs no refetch.
  useLive(() => order.reload(), {
    relevant: (m) =>
      m.orderId === id && !(m.type === 'order.changed' && order.data?.id === id && m.version <= order.data.version),
  });
  return { order, now };
}

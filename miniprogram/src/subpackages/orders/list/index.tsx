import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { OPEN_STATUSES, residentStatusLabel, type WorkOrderStatus, type WorkOrderView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { requireLogin } from '../../../hooks/use-session';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { formatTime, orderTitle, statusTone } from '../../../services/format';
import './index.scss';

const TABS: { key: string; label: string; status?: readonly WorkOrderStatus[] }[] = [
  { key: 'open', label: '进行中', status: OPEN_STATUSES },
  { key: 'done', label: '待评价', status: ['completed'] },
  { key: 'all', label: '全部' },
];
const PAGE_SIZE = 20;

export default function OrderListPage() {
  const [tab, setTab] = useState(0);
  const [items, setItems] = useState<WorkOrderView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const shown = useRef(false);
  const categories = useLoader(() => api.categories(), []);
  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);

  const load = useCallback(
    async (nextPage: number) => {
      const mine = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const res = await api.listOrders({ status: TABS[tab].status, page: nextPage, pageSize: PAGE_SIZE });
        if (mine !== seq.current) return;
        setItems((prev) => (nextPage === 1 ? res.items : [...prev, ...res.items]));
        setTotal(res.total);
        setPage(nextPage);
      } catch (err) {
        if (mine === seq.current) setError(textOf(err));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [tab],
  );

  useEffect(() => {
    setItems([]);
    void load(1);
  }, [load]);
  useDidShow(() => {
    if (!requireLogin()) return;
    // Coming back from a detail page: statuses may have moved.
    if (shown.current) void load(1);
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void load(1).finally(() => Taro.stopPullDownRefresh());
  });
  const hasMore = items.length < total;
  useReachBottom(() => {
    if (hasMore && !loading && !error) void load(page + 1);
  });

  return (
    <Screen className="orders">
      <View className="tabs" role="tablist">
        {TABS.map((t, i) => (
          <View
            key={t.key}
            className={`tab ${i === tab ? 'tab-on' : ''}`}
            onClick={() => setTab(i)}
            role="tab"
            aria-selected={i === tab}
          >
            {t.label}
          </View>
        ))}
      </View>

      {items.map((o) => (
        <View
          key={o.id}
          className="card order-card"
          onClick={() => void Taro.navigateTo({ url: `/subpackages/orders/detail/index?id=${o.id}` })}
          role="button"
        >
          <View className="row-between">
            <Text className="card-title order-cat">{orderTitle(o, names)}</Text>
            <Text className={`pill pill-${statusTone(o.status)}`}>{residentStatusLabel(o)}</Text>
          </View>
          <View className="order-desc">{o.description}</View>
          <View className="row-between muted">
            <Text>{o.location}</Text>
            <Text>{formatTime(o.createdAt)}</Text>
          </View>
        </View>
      ))}

      {error ? (
        <StateView error={error} onRetry={() => void load(items.length ? page + 1 : 1)} />
      ) : loading ? (
        <StateView loading />
      ) : items.length === 0 ? (
        <StateView empty emptyText={tab === 0 ? '没有进行中的报修' : '暂无工单'} />
      ) : hasMore ? (
        <View className="btn btn-block" onClick={() => void load(page + 1)} role="button">
          加载更多
        </View>
      ) : (
        <View className="muted list-end">没有更多了</View>
      )}
    </Screen>
  );
}

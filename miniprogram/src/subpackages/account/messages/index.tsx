import { useCallback, useEffect, useRef, useState } from 'react';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { NotificationView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { formatTime } from '../../../services/format';
import './index.scss';

const PAGE_SIZE = 20;

/** The in-app message list: every notification, whether or not WeChat could push it. */
export default function MessagesPage() {
  const [items, setItems] = useState<NotificationView[]>([]);
  const [total, setTotal] = useState(0);
  const [unread, setUnread] = useState(0);
  const [page, setPage] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async (next: number) => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const res = await api.notifications({ page: next, pageSize: PAGE_SIZE });
      if (mine !== seq.current) return;
      setItems((prev) => (next === 1 ? res.items : [...prev, ...res.items]));
      setTotal(res.total);
      setUnread(res.unread);
      setPage(next);
    } catch (err) {
      if (mine === seq.current) setError(textOf(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(1);
  }, [load]);
  usePullDownRefresh(() => {
    void load(1).finally(() => Taro.stopPullDownRefresh());
  });
  const hasMore = items.length < total;
  useReachBottom(() => {
    if (hasMore && !loading && !error) void load(page + 1);
  });

  const open = (n: NotificationView) => {
    if (!n.read) {
      setItems((xs) => xs.map((x) => (x.id === n.id ? { ...x, read: true } : x)));
      setUnread((u) => Math.max(0, u - 1));
      // Best effort: the list is right again on the next load if this fails.
      api.markRead(n.id).catch(() => undefined);
    }
    if (n.workOrderId) void Taro.navigateTo({ url: `/subpackages/orders/detail/index?id=${n.workOrderId}` });
    // A survey's opening or reminder opens the resident's open survey (已提交 when answered).
    else if (n.type.startsWith('survey.')) void Taro.navigateTo({ url: '/subpackages/account/survey/index' });
  };

  const readAll = async () => {
    try {
      await api.markAllRead();
      setItems((xs) => xs.map((x) => ({ ...x, read: true })));
      setUnread(0);
    } catch (err) {
      void Taro.showToast({ title: textOf(err), icon: 'none' });
    }
  };

  return (
    <Screen className="messages">
      {unread > 0 && (
        <View className="row-between msg-head">
          <Text className="muted">{unread} 条未读</Text>
          <View className="link-btn" onClick={() => void readAll()} role="button">
            全部已读
          </View>
        </View>
      )}
      {items.map((n) => (
        <View key={n.id} className={`card msg ${n.read ? '' : 'msg-unread'}`} onClick={() => open(n)} role="button">
          <View className="row-between">
            <Text className="msg-title">
              {!n.read && <Text className="msg-dot">● </Text>}
              {n.title}
            </Text>
            <Text className="muted">{formatTime(n.createdAt)}</Text>
          </View>
          <View className="msg-body">{n.body}</View>
        </View>
      ))}
      {error ? (
        <StateView error={error} onRetry={() => void load(items.length ? page + 1 : 1)} />
      ) : loading ? (
        <StateView loading />
      ) : items.length === 0 ? (
        <StateView empty emptyText="暂无消息" />
      ) : hasMore ? (
        <View className="btn btn-block" onClick={() => void load(page + 1)} role="button">
          加载更多
        </View>
      ) : null}
    </Screen>
  );
}

import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  sortQueue,
  STATUS_LABELS,
  visitWindowText,
  type WorkOrderStatus,
  type WorkOrderView,
  type MyDayView,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { homeFor, requireLogin } from '../../../hooks/use-session';
import { api, ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { categoryName, slaText, statusTone } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { storage } from '../../../services/storage';
import { useLive } from '../../../live/use-live';
import { PriorityMark } from '../priority-mark';
import './index.scss';

/** A technician's open orders (own, plus pooled of their communities on the pool tab). */
export const MY_STATUSES: readonly WorkOrderStatus[] = [
  'assigned',
  'accepted',
  'on_the_way',
  'in_progress',
  'paused',
  'quoted',
];
const POOL_STATUSES: readonly WorkOrderStatus[] = ['pooled'];

type Tab = 'mine' | 'pool';

const orderUrl = (id: number) => `/subpackages/staff/order/index?id=${id}`;

/**
 * The queue order (shared/src/queue-order.ts): urgent orders (P1, P2) pinned on top with their
 * mark, then the nearest SLA deadline, orders without one last (the server sorts the same way).
 */
function bySla(items: WorkOrderView[]): WorkOrderView[] {
  return sortQueue(items.map((o) => ({ ...o, dueAt: o.slaDueAt })));
}

/** Who won a lost grab: the 409's details carry the current assignee. */
function winnerOf(err: ApiError): string | null {
  const details = err.details as { assignee?: { name?: unknown } | null } | null | undefined;
  const name = details?.assignee?.name;
  return typeof name === 'string' && name ? name : null;
}

export default function StaffQueuePage() {
  const [tab, setTab] = useState<Tab>('mine');
  const day = useLoader(() => staffApi.myDay(), []);
  const mine = useLoader(() => api.listOrders({ status: MY_STATUSES, sort: 'sla', pageSize: 50 }), []);
  const pool = useLoader(
    () =>
      tab === 'pool' ? api.listOrders({ status: POOL_STATUSES, sort: 'sla', pageSize: 50 }) : Promise.resolve(null),
    [tab],
  );
  const [now, setNow] = useState(Date.now());
  const [grabbing, setGrabbing] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);
  const shown = useRef(false);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30000);
    return () => clearInterval(timer);
  }, []);
  // Role-aware: this is the technician's home; anyone else goes to theirs (on mount and on show).
  const notMine = (): boolean => {
    const role = storage.user()?.role;
    if (!storage.token() || role === 'technician') return false;
    void Taro.reLaunch({ url: homeFor(role) });
    return true;
  };
  useEffect(() => {
    notMine();
  }, []);
  useDidShow(() => {
    if (!requireLogin() || notMine()) return;
    // Back from an order: it may have moved on.
    if (shown.current) {
      void day.reload();
      void mine.reload();
      if (tab === 'pool') void pool.reload();
    }
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void Promise.all([day.reload(), mine.reload(), pool.reload()]).finally(() => Taro.stopPullDownRefresh());
  });

  // Orders assigned, offered or taken from the pool arrive over the live socket (polling while it is down).
  useLive(() => Promise.all([day.reload(), mine.reload(), tab === 'pool' ? pool.reload() : null]));

  const grab = async (o: WorkOrderView) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setGrabbing(o.id);
    setNotice(null);
    try {
      await api.transition(o.id, { action: 'grab', version: o.version });
      void Taro.showToast({ title: '抢单成功', icon: 'success' });
      void Taro.navigateTo({ url: orderUrl(o.id) });
      void mine.reload();
      void pool.reload();
    } catch (err) {
      const lost = err instanceof ApiError && err.status === 409;
      const winner = lost ? winnerOf(err) : null;
      const text = winner ? `已被 ${winner} 抢走` : lost ? '手慢了，工单已被抢走' : textOf(err);
      setNotice(text);
      void Taro.showToast({ title: text, icon: 'none', duration: 3000 });
      if (lost) void pool.reload();
    } finally {
      busyRef.current = false;
      setGrabbing(null);
    }
  };

  const user = storage.user();
  const list = tab === 'mine' ? mine : pool;
  const items = bySla(list.data?.items ?? []);

  return (
    <Screen className="queue">
      <View className="row-between queue-head">
        <Text className="title">{user?.name ? `${user.name}的工单` : '技术员工单'}</Text>
        <View className="row">
          <View
            className="link-btn"
            onClick={() => void Taro.navigateTo({ url: '/subpackages/staff/rounds/index' })}
            role="button"
          >
            巡检
          </View>
          <View
            className="link-btn"
            onClick={() => void Taro.navigateTo({ url: '/subpackages/staff/settings/index' })}
            role="button"
          >
            设置
          </View>
        </View>
      </View>

      {day.data && <DaySummary day={day.data} />}

      <View className="tabs" role="tablist">
        <View
          className={`tab ${tab === 'mine' ? 'tab-on' : ''}`}
          onClick={() => setTab('mine')}
          role="tab"
          aria-selected={tab === 'mine'}
        >
          我的工单{mine.data ? ` (${mine.data.total})` : ''}
        </View>
        <View
          className={`tab ${tab === 'pool' ? 'tab-on' : ''}`}
          onClick={() => {
            setNotice(null);
            setTab('pool');
          }}
          role="tab"
          aria-selected={tab === 'pool'}
        >
          抢单池
        </View>
      </View>

      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}

      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : items.length === 0 ? (
        <StateView empty emptyText={tab === 'mine' ? '没有待处理的工单' : '抢单池里暂时没有工单'} />
      ) : (
        <View className="queue-list">
          {items.map((o) => {
            const sla = slaText(o.slaDueAt, now);
            return (
              <View
                key={o.id}
                className="card queue-item"
                data-testid="queue-item"
                onClick={() => tab === 'mine' && void Taro.navigateTo({ url: orderUrl(o.id) })}
                role={tab === 'mine' ? 'button' : undefined}
                aria-label={tab === 'mine' ? `工单 ${o.no}` : undefined}
              >
                <View className="row-between">
                  <View className="queue-title">
                    <PriorityMark priority={o.priority} />
                    <Text className="card-title">{categoryName(o.category)}</Text>
                  </View>
                  <Text className={`pill pill-${statusTone(o.status)}`}>{STATUS_LABELS[o.status]}</Text>
                </View>
                <View className="queue-location">{o.location}</View>
                {o.visitWindow && (
                  <View className="muted" data-testid="queue-visit">
                    上门 {visitWindowText(o.visitWindow, new Date(now))}
                  </View>
                )}
                {o.urgeCount > 0 && (
                  <Text className="queue-urged" data-testid="queue-urged">
                    催单 {o.urgeCount}次
                  </Text>
                )}
                <View className="muted queue-desc">{o.description}</View>
                <View className="row-between">
                  {sla ? (
                    <Text className={`queue-sla ${sla.late ? 'queue-late' : ''}`}>{sla.text}</Text>
                  ) : (
                    <Text className="muted">无时限</Text>
                  )}
                  {tab === 'pool' && (
                    <View
                      className={`btn btn-primary queue-grab ${grabbing ? 'btn-disabled' : ''}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        void grab(o);
                      }}
                      role="button"
                      aria-label={`抢单 ${o.no}`}
                    >
                      {grabbing === o.id ? '抢单中…' : '抢单'}
                    </View>
                  )}
                </View>
              </View>
            );
          })}
        </View>
      )}
    </Screen>
  );
}

const percent = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** Today's numbers and the technician's own scores (last 90 days). */
function DaySummary({ day }: { day: MyDayView }) {
  const s = day.satisfaction;
  return (
    <View className="card queue-day" aria-label="今日概况">
      <View className="queue-day-row">
        <View className="queue-day-cell">
          <Text className="queue-day-num">{day.doneToday}</Text>
          <Text className="muted">今日完成</Text>
        </View>
        <View className="queue-day-cell">
          <Text className="queue-day-num">{day.open}</Text>
          <Text className="muted">待处理</Text>
        </View>
        <View className="queue-day-cell">
          <Text className="queue-day-num">{s.rated > 0 && s.index !== null ? Math.round(s.index) : '—'}</Text>
          <Text className="muted">满意度</Text>
        </View>
        <View className="queue-day-cell">
          <Text className="queue-day-num">{percent(s.firstTimeFixRate)}</Text>
          <Text className="muted">一次修复率</Text>
        </View>
      </View>
      <View className="muted queue-day-note">
        {s.rated > 0 ? `近90天 ${s.rated} 条评价，好评率 ${percent(s.csat)}` : '近90天还没有住户评价'}
      </View>
    </View>
  );
}

import { useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { STATUS_LABELS } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { formatTime, statusTone } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { DONE_STATUSES, OPEN_COMPLAINT_STATUSES, orderUrl, useOfficeGuard, WAITING_STATUSES } from '../common';

type Tab = 'open' | 'waiting' | 'done';
const TABS: readonly { key: Tab; label: string }[] = [
  { key: 'open', label: '处理中' },
  { key: 'waiting', label: '待确认' },
  { key: 'done', label: '已办结' },
];
const STATUSES = { open: OPEN_COMPLAINT_STATUSES, waiting: WAITING_STATUSES, done: DONE_STATUSES };

/** 投诉: complaints of the desk's communities, by stage; tap one to assign, call or follow it. */
export default function ComplaintsPage() {
  const [tab, setTab] = useState<Tab>('open');
  const list = useLoader(
    () =>
      staffApi.orders({
        kind: 'complaint',
        status: STATUSES[tab],
        sort: tab === 'open' ? 'sla' : undefined,
        pageSize: 50,
      }),
    [tab],
  );
  useOfficeGuard(undefined, () => void list.reload());
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const items = list.data?.items ?? [];

  return (
    <Screen className="office">
      <View className="tabs" role="tablist">
        {TABS.map((t) => (
          <View
            key={t.key}
            className={`tab ${tab === t.key ? 'tab-on' : ''}`}
            onClick={() => setTab(t.key)}
            role="tab"
            aria-selected={tab === t.key}
          >
            {t.label}
            {tab === t.key && list.data ? ` (${list.data.total})` : ''}
          </View>
        ))}
      </View>
      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : items.length === 0 ? (
        <StateView empty emptyText="没有投诉" />
      ) : (
        items.map((o) => (
          <View
            key={o.id}
            className="card office-item"
            onClick={() => void Taro.navigateTo({ url: orderUrl(o.id) })}
            role="button"
            aria-label={`投诉 ${o.no}`}
            data-testid="complaint-item"
          >
            <View className="row-between">
              <Text className="card-title">{o.location}</Text>
              <Text className={`pill pill-${statusTone(o.status)}`}>
                {o.status === 'completed' ? '待投诉人确认' : STATUS_LABELS[o.status]}
              </Text>
            </View>
            <View className="office-desc">
              {o.complaintOfId ? (
                <Text className="pill pill-warn" data-testid="complaint-from-rating">
                  差评
                </Text>
              ) : null}
              {o.description}
            </View>
            <View className="row-between muted">
              <Text>
                {o.reporter ? `投诉人 ${o.reporter.name}` : '匿名'} ·{' '}
                {o.assignee ? `处理人 ${o.assignee.name}` : '未派人'}
              </Text>
              <Text>{formatTime(o.createdAt)}</Text>
            </View>
          </View>
        ))
      )}
    </Screen>
  );
}

import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { OPEN_STATUSES, STATUS_LABELS, type HouseBindingView, type WorkOrderDetailView } from '@linli/shared';
import { ReportSheet } from '../../components/report-sheet';
import { Screen } from '../../components/screen';
import { StateView } from '../../components/state-view';
import { useLoader } from '../../hooks/use-loader';
import { homeFor, requireLogin, RESIDENT_HOME } from '../../hooks/use-session';
import { api } from '../../services/api';
import { categoryName, orderTitle, QUICK_CATEGORIES, statusTone, type QuickCategory } from '../../services/format';
import { storage } from '../../services/storage';
import './index.scss';

const go = (url: string) => void Taro.navigateTo({ url });

/** Staff have their own home (the queue, in the staff subpackage). */
function staffHome(): string | null {
  const url = homeFor(storage.user()?.role);
  return url === RESIDENT_HOME ? null : url;
}

export default function HomePage() {
  const loggedIn = !!storage.token() && !staffHome();
  const houses = useLoader(() => (loggedIn ? api.myHouses() : Promise.resolve([])), [loggedIn]);
  // Secondary data: the page works without them.
  const categories = useLoader(() => (loggedIn ? api.categories() : Promise.resolve([])), [loggedIn]);
  const open = useLoader(
    () => (loggedIn ? api.listOrders({ status: OPEN_STATUSES, pageSize: 3 }) : Promise.resolve(null)),
    [loggedIn],
  );
  const unread = useLoader(
    () => (loggedIn ? api.notifications({ pageSize: 1, unread: true }).then((p) => p.unread) : Promise.resolve(0)),
    [loggedIn],
  );
  // The survey banner: secondary too (a failure hides it).
  const surveys = useLoader(() => (loggedIn ? api.surveys() : Promise.resolve([])), [loggedIn]);
  const [houseId, setHouseId] = useState<number | null>(null);
  const [sheet, setSheet] = useState<QuickCategory | null>(null);

  const shown = useRef(false);
  // Role-aware: a staff session that lands here (a stale link, the default entry page) goes to
  // the staff queue, once.
  const redirected = useRef(false);
  const toStaffHome = (): boolean => {
    const url = staffHome();
    if (!url) return false;
    if (!redirected.current) {
      redirected.current = true;
      void Taro.reLaunch({ url });
    }
    return true;
  };
  useEffect(() => {
    if (storage.token()) toStaffHome();
  }, []);
  useDidShow(() => {
    if (!requireLogin()) return;
    if (toStaffHome()) return;
    // Back from another page: orders and messages may have changed.
    if (shown.current) {
      void open.reload();
      void unread.reload();
      void surveys.reload();
    }
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void Promise.all([houses.reload(), open.reload(), unread.reload(), surveys.reload()]).finally(() =>
      Taro.stopPullDownRefresh(),
    );
  });

  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);
  const verified = (houses.data ?? []).filter((h) => h.status === 'verified');
  const pending = (houses.data ?? []).filter((h) => h.status === 'pending');
  const house: HouseBindingView | undefined = verified.find((h) => h.houseId === houseId) ?? verified[0];
  // Offer only what the company repairs, once its list is known.
  const buttons = categories.data?.length ? QUICK_CATEGORIES.filter((c) => names.has(c.code)) : QUICK_CATEGORIES;

  const switchHouse = async () => {
    try {
      const res = await Taro.showActionSheet({ itemList: verified.map((h) => `${h.communityName} ${h.houseLabel}`) });
      setHouseId(verified[res.tapIndex].houseId);
    } catch {
      // cancelled
    }
  };

  const onSubmitted = (order: WorkOrderDetailView) => {
    setSheet(null);
    void Taro.showToast({ title: '报修已提交', icon: 'success' });
    go(`/subpackages/orders/detail/index?id=${order.id}`);
  };

  const user = storage.user();
  const survey = (surveys.data ?? []).find((s) => s.status === 'open' && !s.answered);

  return (
    <Screen className="home">
      <View className="home-hello">
        <Text className="title">您好{user?.name ? `，${user.name}` : ''}</Text>
      </View>

      {survey && (
        <View
          className="card home-survey"
          onClick={() => go(`/subpackages/account/survey/index?id=${survey.id}`)}
          role="button"
          aria-label="小区满意度调查"
        >
          <View className="home-survey-text">
            <Text className="card-title">小区满意度调查</Text>
            <Text className="muted">
              {survey.communityName} · {survey.title}
            </Text>
          </View>
          <Text className="home-survey-go">去填写 ›</Text>
        </View>
      )}

      {houses.loading && !houses.data ? (
        <StateView loading />
      ) : houses.error && !houses.data ? (
        <StateView error={houses.error} onRetry={() => void houses.reload()} />
      ) : house ? (
        <>
          <View className="card home-house">
            <View className="row-between">
              <View>
                <View className="muted">报修地址</View>
                <View className="large home-house-name">
                  {house.communityName} {house.houseLabel}
                </View>
              </View>
              {verified.length > 1 && (
                <View className="link-btn" onClick={() => void switchHouse()} role="button">
                  切换
                </View>
              )}
            </View>
          </View>

          <View className="section-title">选择要报修的问题</View>
          <View className="quick-grid">
            {buttons.map((c) => (
              <View
                key={c.code}
                className="quick"
                onClick={() => setSheet(c)}
                role="button"
                aria-label={`报修${c.label}`}
              >
                <View className={`quick-glyph quick-${c.code}`}>{c.glyph}</View>
                <Text className="quick-label">{c.label}</Text>
              </View>
            ))}
          </View>

          <View
            className="home-feedback"
            onClick={() => go('/subpackages/orders/feedback/index')}
            role="button"
            aria-label="投诉 / 建议"
          >
            <View className="quick-glyph home-feedback-glyph">诉</View>
            <View className="home-feedback-text">
              <Text className="quick-label">投诉 / 建议</Text>
              <Text className="muted home-feedback-hint">对服务不满意、有意见或想咨询</Text>
            </View>
          </View>
        </>
      ) : (
        <View className="card home-bind">
          <View className="card-title">{pending.length ? '房屋绑定审核中' : '还没有绑定房屋'}</View>
          <View className="muted home-bind-text">
            {pending.length
              ? `${pending[0].communityName} ${pending[0].houseLabel} 正在等待物业审核，通过后即可一键报修。`
              : '绑定您居住的房屋后，就可以一键报修、查看进度。'}
          </View>
          <View
            className="btn btn-primary btn-block"
            onClick={() => go('/subpackages/account/bind/index')}
            role="button"
          >
            绑定房屋
          </View>
        </View>
      )}

      {open.data && open.data.items.length > 0 && (
        <View className="card">
          <View className="row-between">
            <Text className="card-title">进行中的报修</Text>
            <Text className="muted">共 {open.data.total} 个</Text>
          </View>
          {open.data.items.map((o) => (
            <View
              key={o.id}
              className="list-item"
              onClick={() => go(`/subpackages/orders/detail/index?id=${o.id}`)}
              role="button"
            >
              <View className="home-order">
                <Text>{orderTitle(o, names)}</Text>
                <Text className="muted home-order-desc">{o.description}</Text>
              </View>
              <Text className={`pill pill-${statusTone(o.status)}`}>{STATUS_LABELS[o.status]}</Text>
            </View>
          ))}
        </View>
      )}

      <View className="nav-grid">
        <View className="nav" onClick={() => go('/subpackages/orders/list/index')} role="button">
          <Text className="nav-label">我的工单</Text>
        </View>
        <View className="nav" onClick={() => go('/subpackages/account/messages/index')} role="button">
          <Text className="nav-label">消息</Text>
          {(unread.data ?? 0) > 0 && <Text className="badge">{unread.data! > 99 ? '99+' : unread.data}</Text>}
        </View>
        <View className="nav" onClick={() => go('/subpackages/account/prices/index')} role="button">
          <Text className="nav-label">收费标准</Text>
        </View>
        <View className="nav" onClick={() => go('/subpackages/account/settings/index')} role="button">
          <Text className="nav-label">设置</Text>
        </View>
      </View>

      {house && (
        <View className="home-more muted" onClick={() => go('/subpackages/account/bind/index')} role="button">
          绑定其他房屋 ›
        </View>
      )}

      {sheet && house && (
        <ReportSheet
          house={house}
          category={sheet}
          categoryName={categoryName(sheet.code, names)}
          onClose={() => setSheet(null)}
          onSubmitted={onSubmitted}
        />
      )}
    </Screen>
  );
}

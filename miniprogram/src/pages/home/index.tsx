import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  duplicateOrderText,
  formatChinaDateTime,
  NOTICE_KIND_LABELS,
  OPEN_STATUSES,
  realNameOf,
  residentStatusLabel,
  type CreatedWorkOrderView,
  type HouseBindingView,
} from '@linli/shared';
import { PendingNext } from '../../components/pending-binding';
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

/** One order on home: its title and description open the order; `children` sit at the end. */
function OrderRow(props: { order: { id: number; description: string }; title: string; children: ReactNode }) {
  const { order, title, children } = props;
  return (
    <View className="list-item" onClick={() => go(`/subpackages/orders/detail/index?id=${order.id}`)} role="button">
      <View className="home-order">
        <Text>{title}</Text>
        <Text className="muted home-order-desc">{order.description}</Text>
      </View>
      {children}
    </View>
  );
}

export default function HomePage() {
  const loggedIn = !!storage.token() && !staffHome();
  const houses = useLoader(() => (loggedIn ? api.myHouses() : Promise.resolve([])), [loggedIn]);
  // Secondary data: the page works without them.
  const categories = useLoader(() => (loggedIn ? api.categories() : Promise.resolve([])), [loggedIn]);
  // Completed orders wait for the reporter's rating (rating closes them): 待评价, on top.
  const open = useLoader(
    () =>
      loggedIn
        ? api.listOrders({ status: OPEN_STATUSES.filter((s) => s !== 'completed'), pageSize: 3 })
        : Promise.resolve(null),
    [loggedIn],
  );
  const toRate = useLoader(
    () => (loggedIn ? api.listOrders({ status: ['completed'], pageSize: 5 }) : Promise.resolve(null)),
    [loggedIn],
  );
  const unread = useLoader(
    () => (loggedIn ? api.notifications({ pageSize: 1, unread: true }).then((p) => p.unread) : Promise.resolve(0)),
    [loggedIn],
  );
  // The survey banner: secondary too (a failure hides it).
  const surveys = useLoader(() => (loggedIn ? api.surveys() : Promise.resolve([])), [loggedIn]);
  // Notices (停水/停电/电梯维保) to the resident's houses: secondary too.
  const notices = useLoader(() => (loggedIn ? api.notices() : Promise.resolve([])), [loggedIn]);
  const [houseId, setHouseId] = useState<number | null>(null);
  const [sheet, setSheet] = useState<QuickCategory | null>(null);
  const [waiting, setWaiting] = useState<QuickCategory | null>(null);

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
    // A QR code scanned before signing in: back to its report sheet (docs/notices.md).
    const scanned = storage.pendingScan();
    if (scanned) {
      storage.setPendingScan(null);
      go(`/subpackages/orders/scan/index?scene=${encodeURIComponent(scanned)}`);
    }
    // Back from another page: orders and messages may have changed.
    if (shown.current) {
      void open.reload();
      void toRate.reload();
      void unread.reload();
      void surveys.reload();
      void notices.reload();
    }
    shown.current = true;
  });
  usePullDownRefresh(() => {
    void Promise.all([houses.reload(), open.reload(), toRate.reload(), unread.reload(), surveys.reload()]).finally(() =>
      Taro.stopPullDownRefresh(),
    );
  });

  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);
  const verified = (houses.data ?? []).filter((h) => h.status === 'verified');
  const pending = (houses.data ?? []).filter((h) => h.status === 'pending');
  const house: HouseBindingView | undefined = verified.find((h) => h.houseId === houseId) ?? verified[0];
  // Offer only what the company repairs, once its list is known.
  const buttons = categories.data?.length ? QUICK_CATEGORIES.filter((c) => names.has(c.code)) : QUICK_CATEGORIES;

  const houseKnown = !!house;
  useEffect(() => {
    if (!waiting || houses.loading) return;
    if (houseKnown) setSheet(waiting);
    setWaiting(null);
  }, [waiting, houseKnown, houses.loading]);

  const switchHouse = async () => {
    try {
      const res = await Taro.showActionSheet({ itemList: verified.map((h) => `${h.communityName} ${h.houseLabel}`) });
      setHouseId(verified[res.tapIndex].houseId);
    } catch {
      // cancelled
    }
  };

  const onSubmitted = (order: CreatedWorkOrderView) => {
    setSheet(null);
    // The same report filed minutes ago and still open: the server answered with that order.
    if (order.duplicate)
      void Taro.showToast({ title: duplicateOrderText(order.createdAt, Date.now()), icon: 'none', duration: 3000 });
    else void Taro.showToast({ title: '报修已提交', icon: 'success' });
    go(`/subpackages/orders/detail/index?id=${order.id}`);
  };

  const user = storage.user();
  const greeting = realNameOf(user?.name);
  // Only a reporter rates; the other residents of the house confirm on the order page. A
  // public-area order in the list is one the resident reported or joined (我也遇到了).
  const rateable = (toRate.data?.items ?? []).filter(
    (o) => !user || o.reporter?.id === user.id || o.publicAreaId !== null,
  );
  const housesLoading = houses.loading && !houses.data;
  const pickTile = (c: QuickCategory) => {
    // The tiles show at once; a tap before the house is known opens the sheet once it is.
    if (house) return setSheet(c);
    setWaiting(c);
    void Taro.showToast({ title: '正在读取您的房屋，请稍候', icon: 'none' });
  };
  // The open survey to answer first; once answered it stays on home as 已提交 until it closes.
  const openSurveys = (surveys.data ?? []).filter((s) => s.status === 'open');
  const survey = openSurveys.find((s) => !s.answered) ?? openSurveys[0];

  return (
    <Screen className="home">
      <View className="home-hello">
        <Text className="title">您好{greeting ? `，${greeting}` : ''}</Text>
      </View>

      {(notices.data ?? []).map((n) => (
        <View key={n.id} className="card home-notice" role="note" aria-label={`通知：${n.title}`}>
          <View className="row-between">
            <Text className="card-title">{n.title}</Text>
            <Text className={`pill ${n.state === 'current' ? 'pill-warn' : 'pill-muted'}`}>
              {NOTICE_KIND_LABELS[n.kind]}
              {n.state === 'current' ? '中' : '预告'}
            </Text>
          </View>
          <View className="muted">
            {formatChinaDateTime(new Date(n.startsAt))} 至 {formatChinaDateTime(new Date(n.endsAt))}
            {n.buildingNames.length ? ` · ${n.buildingNames.join('、')}` : ''}
          </View>
          <View className="home-notice-body">{n.body}</View>
        </View>
      ))}

      {rateable.length > 0 && (
        <View className="card home-rate">
          <View className="row-between">
            <Text className="card-title">待评价</Text>
            <Text className="muted">师傅已完工，请确认是否修好</Text>
          </View>
          {rateable.map((o) => (
            <OrderRow key={o.id} order={o} title={orderTitle(o, names)}>
              <View
                className="btn btn-primary home-rate-go"
                onClick={(e) => {
                  e.stopPropagation();
                  go(`/subpackages/orders/rate/index?id=${o.id}`);
                }}
                role="button"
                aria-label={`去评价 ${orderTitle(o, names)}`}
              >
                去评价
              </View>
            </OrderRow>
          ))}
        </View>
      )}

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
          {survey.answered ? (
            <Text className="home-survey-done">已提交</Text>
          ) : (
            <Text className="home-survey-go">去填写 ›</Text>
          )}
        </View>
      )}

      {houses.error && !houses.data ? (
        <StateView error={houses.error} onRetry={() => void houses.reload()} />
      ) : house || housesLoading ? (
        <>
          {!house ? (
            <View className="card home-house">
              <View className="muted">报修地址</View>
              <View className="muted home-house-loading">加载中…</View>
            </View>
          ) : (
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
          )}

          <View className="section-title">选择要报修的问题</View>
          <View className="quick-grid">
            {buttons.map((c) => (
              <View
                key={c.code}
                className="quick"
                onClick={() => pickTile(c)}
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
          {pending.length > 0 && <PendingNext binding={pending[0]} />}
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
            <OrderRow key={o.id} order={o} title={orderTitle(o, names)}>
              <Text className={`pill pill-${statusTone(o.status)}`}>{residentStatusLabel(o)}</Text>
            </OrderRow>
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

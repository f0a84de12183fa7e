import { useMemo, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  duplicateOrderText,
  formatChinaDateTime,
  NOTICE_KIND_LABELS,
  parseQrScene,
  qrScene,
  residentStatusLabel,
  type SharedFaultOrderView,
  type WorkOrderStatus,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useCreateOrder } from '../../../hooks/use-create-order';
import { useLoader } from '../../../hooks/use-loader';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { categoryName, QUICK_CATEGORIES } from '../../../services/format';
import { requestSubscriptions } from '../../../services/platform';
import { storage } from '../../../services/storage';
import './index.scss';

/** The category a scanned public area is reported under unless the resident picks another. */
const SCAN_DEFAULT = 'public_area';

/**
 * 扫码报修 (docs/notices.md "QR reporting"): a public area's QR code opens this page with its
 * `scene`. The place is filled in and a category chosen, so 提交报修 alone files the order. Known
 * faults come first: the area's current notices and its open orders, each with 我也遇到了, which
 * joins that order instead of filing another.
 */
export default function ScanPage() {
  const { params } = useRouter();
  const target = parseQrScene(params.scene ?? '');
  // The scene as the server reads it (however many times the way here encoded it).
  const scene = target ? qrScene(target) : '';
  const valid = target !== null;
  const signedIn = !!storage.token();
  if (valid && !signedIn) {
    // Sign in first; home brings the resident back here afterwards.
    storage.setPendingScan(scene);
    void Taro.reLaunch({ url: '/pages/login/index' });
  }
  const place = useLoader(() => (valid && signedIn ? api.resolveQr(scene) : Promise.resolve(null)), [scene, signedIn]);
  const faults = useLoader(
    () => (place.data ? api.faultsAt({ publicAreaId: place.data.publicAreaId }) : Promise.resolve(null)),
    [place.data?.publicAreaId],
  );
  const categories = useLoader(
    () => (place.data ? api.categories(place.data.communityId) : Promise.resolve([])),
    [place.data?.communityId],
  );
  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, c.name])), [categories.data]);
  const choices = QUICK_CATEGORIES.filter((c) => !categories.data?.length || names.has(c.code));
  const [picked, setPicked] = useState<string | null>(null);
  const category = picked ?? (names.has(SCAN_DEFAULT) || !categories.data?.length ? SCAN_DEFAULT : 'other');
  const [description, setDescription] = useState('');
  const [joining, setJoining] = useState<number | null>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const { create, submitting, error, busy } = useCreateOrder(
    '这张报修单刚才可能已经提交成功，请先到「我的工单」查看，避免重复报修',
  );

  const open = (id: number) => void Taro.redirectTo({ url: `/subpackages/orders/detail/index?id=${id}` });

  const submit = async () => {
    if (busy() || !place.data) return;
    void requestSubscriptions();
    const order = await create({
      category,
      description: description.trim() || `${place.data.name}：${categoryName(category, names)}`,
      publicAreaId: place.data.publicAreaId,
    });
    if (!order) return;
    if (order.duplicate)
      void Taro.showToast({ title: duplicateOrderText(order.createdAt, Date.now()), icon: 'none', duration: 3000 });
    else void Taro.showToast({ title: '报修已提交', icon: 'success' });
    open(order.id);
  };

  const join = async (o: SharedFaultOrderView) => {
    if (joining !== null) return;
    void requestSubscriptions();
    setJoining(o.id);
    setJoinError(null);
    try {
      await api.joinOrder(o.id);
      void Taro.showToast({ title: '已记录，维修进度会通知您', icon: 'none', duration: 2500 });
      open(o.id);
    } catch (err) {
      setJoinError(textOf(err));
    } finally {
      setJoining(null);
    }
  };

  if (!valid) {
    return (
      <Screen className="scan">
        <View className="card">
          <View className="card-title">无法识别的二维码</View>
          <View className="muted">请扫描贴在公共区域的报修二维码，或回到首页报修。</View>
          <View
            className="btn btn-block scan-home"
            onClick={() => void Taro.reLaunch({ url: '/pages/home/index' })}
            role="button"
          >
            回到首页
          </View>
        </View>
      </Screen>
    );
  }
  if (!signedIn || (place.loading && !place.data)) {
    return (
      <Screen className="scan">
        <StateView loading />
      </Screen>
    );
  }
  if (place.error || !place.data) {
    return (
      <Screen className="scan">
        <View className="card" role="alert">
          <View className="card-title">不能在这里报修</View>
          <View className="scan-refusal">{place.error ?? '二维码无效'}</View>
          <View
            className="btn btn-block scan-home"
            onClick={() => void Taro.reLaunch({ url: '/pages/home/index' })}
            role="button"
          >
            回到首页
          </View>
        </View>
      </Screen>
    );
  }

  const p = place.data;
  const notices = faults.data?.notices ?? [];
  const known = faults.data?.orders ?? [];
  return (
    <Screen className="scan">
      <View className="card scan-place">
        <View className="muted">报修位置</View>
        <View className="large scan-place-name">
          {p.communityName} {p.name}
        </View>
      </View>

      {notices.map((n) => (
        <View key={n.id} className="card scan-notice" role="note">
          <Text className="pill pill-warn">{NOTICE_KIND_LABELS[n.kind]}</Text>
          <View className="card-title scan-notice-title">{n.title}</View>
          <View className="muted">
            {formatChinaDateTime(new Date(n.startsAt))} 至 {formatChinaDateTime(new Date(n.endsAt))}
          </View>
          <View className="scan-notice-body">{n.body}</View>
        </View>
      ))}

      {known.length > 0 && (
        <View className="card scan-known">
          <View className="card-title">这里已有人报修</View>
          <View className="muted">如果是同一个问题，点「我也遇到了」即可，维修进度会同样通知您。</View>
          {joinError && (
            <View className="error-banner" role="alert">
              {joinError}
            </View>
          )}
          {known.map((o) => (
            <View key={o.id} className="list-item scan-known-item">
              <View className="scan-known-text">
                <Text>{categoryName(o.category, names)}</Text>
                <Text className="muted scan-known-desc">{o.description}</Text>
                <Text className="muted">
                  {residentStatusLabel({ status: o.status as WorkOrderStatus })} · {o.reporters} 人报修
                </Text>
              </View>
              {o.joined ? (
                <View className="btn scan-join" onClick={() => open(o.id)} role="button">
                  查看进度
                </View>
              ) : (
                <View
                  className={`btn btn-primary scan-join ${joining === o.id ? 'btn-disabled' : ''}`}
                  onClick={() => void join(o)}
                  role="button"
                  aria-label={`我也遇到了 ${o.description}`}
                >
                  {joining === o.id ? '提交中…' : '我也遇到了'}
                </View>
              )}
            </View>
          ))}
        </View>
      )}

      <View className="card">
        <View className="card-title">{known.length ? '是新的问题？直接报修' : '报修'}</View>
        {error && (
          <View className="error-banner" role="alert">
            {error}
          </View>
        )}
        <View className="field">
          <View className="field-label">问题类型</View>
          <View className="choices" role="radiogroup" aria-label="问题类型">
            {choices.map((c) => (
              <View
                key={c.code}
                className={`choice ${category === c.code ? 'choice-on' : ''}`}
                onClick={() => setPicked(c.code)}
                role="radio"
                aria-checked={category === c.code}
              >
                {categoryName(c.code, names)}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="field-label">问题描述（可不填）</View>
          <Textarea
            className="textarea"
            value={description}
            maxlength={500}
            placeholder={`不填写则按「${p.name}：${categoryName(category, names)}」提交`}
            placeholderClass="placeholder"
            onInput={(e) => setDescription(e.detail.value)}
            aria-label="问题描述"
          />
        </View>
        <View
          className={`btn btn-primary btn-block ${submitting ? 'btn-disabled' : ''}`}
          onClick={() => void submit()}
          role="button"
          aria-disabled={submitting}
        >
          {submitting ? '提交中…' : '提交报修'}
        </View>
      </View>
    </Screen>
  );
}

import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  KIND_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  type Priority,
  type WorkOrderDetailView,
  type WorkOrderKind,
} from '@linli/shared';
import { HousePicker, useHousePick } from '../../../components/house-picker';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { api, ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { newIdempotencyKey, PREFERRED_TIMES } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { storage } from '../../../services/storage';
import { orderUrl, useOfficeGuard } from '../common';

const KINDS: readonly WorkOrderKind[] = ['repair', 'complaint', 'suggestion'];
/** The caller is not a registered resident of the house: file without a reporter. */
const UNREGISTERED = 0;

/**
 * 电话报修: the desk files an order for a resident who phoned. Community -> building -> house
 * (with a search box for the room), the caller among the house's verified residents, kind,
 * category, priority, what is wrong. Channel `phone`; one Idempotency-Key per form.
 */
export default function NewPhoneOrderPage() {
  useOfficeGuard();
  const mine = storage.user()?.communityIds ?? [];
  const communities = useLoader(() => api.communities(), []);
  const pick = useHousePick();
  const { community, house } = pick;
  const callers = useLoader(() => (house ? staffApi.houseResidents(house.id) : Promise.resolve([])), [house?.id]);
  const [caller, setCaller] = useState<number | null>(null);
  const categories = useLoader(() => (community ? api.categories(community.id) : Promise.resolve([])), [community?.id]);
  const [kind, setKind] = useState<WorkOrderKind>('repair');
  const [category, setCategory] = useState<string | null>(null);
  const [priority, setPriority] = useState<Priority>('P3');
  const [time, setTime] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [created, setCreated] = useState<WorkOrderDetailView | null>(null);
  const keyRef = useRef(newIdempotencyKey());
  const busyRef = useRef(false);

  // Staff see their company's communities; the desk files only where it serves.
  const communityList = (communities.data ?? []).filter((c) => !mine.length || mine.includes(c.id));

  const restart = () => {
    pick.reset();
    setCaller(null);
    setCategory(null);
    setKind('repair');
    setPriority('P3');
    setTime(null);
    setDescription('');
    setError(null);
    setCreated(null);
    keyRef.current = newIdempotencyKey();
  };

  const submit = async () => {
    if (busyRef.current || !house) return;
    if (caller === null) return setError('请选择来电住户');
    if (!category) return setError('请选择类别');
    if (!description.trim()) return setError('请填写住户反映的问题');
    busyRef.current = true;
    setSubmitting(true);
    setError(null);
    try {
      const order = await staffApi.createPhoneOrder(
        {
          channel: 'phone',
          kind,
          category,
          priority,
          description: description.trim(),
          houseId: house.id,
          ...(caller !== UNREGISTERED ? { reporterId: caller } : {}),
          ...(time ? { preferredTime: time } : {}),
        },
        keyRef.current,
      );
      setCreated(order);
    } catch (err) {
      setError(textOf(err));
      // A definite refusal created nothing: an edited form may go with a new key.
      if (err instanceof ApiError && !err.outcomeUnknown && err.code !== 'IDEMPOTENCY_KEY_REUSED') {
        keyRef.current = newIdempotencyKey();
      }
    } finally {
      busyRef.current = false;
      setSubmitting(false);
    }
  };

  if (created) {
    return (
      <Screen className="office">
        <View className="card" role="status">
          <View className="title">已登记</View>
          <View className="large">工单号 {created.no}</View>
          <View className="muted">
            {created.location} · {KIND_LABELS[created.kind]}
          </View>
          <View
            className="btn btn-primary btn-block"
            onClick={() => void Taro.redirectTo({ url: orderUrl(created.id) })}
            role="button"
          >
            查看工单
          </View>
          <View className="btn btn-block" onClick={restart} role="button">
            再登记一单
          </View>
        </View>
      </Screen>
    );
  }

  const choice = (on: boolean) => `choice ${on ? 'choice-on' : ''}`;

  return (
    <Screen className="office">
      <HousePicker
        pick={pick}
        communities={communities}
        communityList={communityList}
        roomSearch
        error={error}
        onRestart={restart}
      >
        <View>
          <View className="card">
            <View className="card-title">来电住户</View>
            <StateView loading={callers.loading} error={callers.error} onRetry={() => void callers.reload()} />
            {(callers.data ?? []).map((r) => (
              <View
                key={r.userId}
                className={`office-option row-between ${caller === r.userId ? 'office-option-on' : ''}`}
                onClick={() => setCaller(r.userId)}
                role="radio"
                aria-checked={caller === r.userId}
                aria-label={r.name}
              >
                <Text>{r.name}</Text>
                <Text className="muted">{r.phone}</Text>
              </View>
            ))}
            <View
              className={`office-option ${caller === UNREGISTERED ? 'office-option-on' : ''}`}
              onClick={() => setCaller(UNREGISTERED)}
              role="radio"
              aria-checked={caller === UNREGISTERED}
            >
              不是登记住户（不关联）
            </View>
          </View>

          <View className="card">
            <View className="card-title">类型</View>
            <View className="choices">
              {KINDS.map((k) => (
                <View
                  key={k}
                  className={choice(kind === k)}
                  onClick={() => setKind(k)}
                  role="radio"
                  aria-checked={kind === k}
                >
                  {KIND_LABELS[k]}
                </View>
              ))}
            </View>
            <View className="card-title">类别</View>
            <StateView loading={categories.loading} error={categories.error} onRetry={() => void categories.reload()} />
            <View className="choices">
              {(categories.data ?? []).map((c) => (
                <View
                  key={c.code}
                  className={choice(category === c.code)}
                  onClick={() => setCategory(c.code)}
                  role="radio"
                  aria-checked={category === c.code}
                >
                  {c.name}
                </View>
              ))}
            </View>
            <View className="card-title">紧急程度</View>
            <View className="choices">
              {PRIORITIES.map((p) => (
                <View
                  key={p}
                  className={choice(priority === p)}
                  onClick={() => setPriority(p)}
                  role="radio"
                  aria-checked={priority === p}
                >
                  {PRIORITY_LABELS[p]}
                </View>
              ))}
            </View>
            <View className="card-title">住户反映的问题</View>
            <Textarea
              className="textarea"
              value={description}
              maxlength={2000}
              placeholder="例如：卫生间天花板滴水"
              placeholderClass="placeholder"
              onInput={(e) => setDescription(e.detail.value)}
              aria-label="问题描述"
            />
            {kind === 'repair' && (
              <View>
                <View className="card-title">上门时间</View>
                <View className="choices">
                  {PREFERRED_TIMES.map((t) => (
                    <View
                      key={t}
                      className={choice(time === t)}
                      onClick={() => setTime(time === t ? null : t)}
                      role="radio"
                      aria-checked={time === t}
                    >
                      {t}
                    </View>
                  ))}
                </View>
              </View>
            )}
          </View>

          <View
            className={`btn btn-primary btn-block ${submitting ? 'btn-disabled' : ''}`}
            onClick={() => void submit()}
            role="button"
          >
            {submitting ? '提交中…' : '登记工单'}
          </View>
        </View>
      </HousePicker>
    </Screen>
  );
}

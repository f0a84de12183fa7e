import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import {
  duplicateOrderTextForDesk,
  KIND_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  visitWindowOf,
  visitWindowText,
  type CallerView,
  type Priority,
  type CreatedWorkOrderView,
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
  // A complaint about a technician: who (optional; never assigned the complaint).
  const [about, setAbout] = useState<number | null>(null);
  const techs = useLoader(
    () => (community && kind === 'complaint' ? staffApi.technicians(community.id) : Promise.resolve([])),
    [community?.id, kind],
  );
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [created, setCreated] = useState<CreatedWorkOrderView | null>(null);
  const keyRef = useRef(newIdempotencyKey());
  const busyRef = useRef(false);
  // 来电号码: the number on the phone finds the resident and fills the house.
  const [phone, setPhone] = useState('');
  const [lookup, setLookup] = useState<{ busy: boolean; found: CallerView[] | null; error: string | null }>({
    busy: false,
    found: null,
    error: null,
  });

  // Staff see their company's communities; the desk files only where it serves.
  const communityList = (communities.data ?? []).filter((c) => !mine.length || mine.includes(c.id));

  /** Fill community, building and house from a looked-up caller's house; the caller is picked. */
  const fillFrom = (c: CallerView, h: CallerView['houses'][number]) => {
    const community = communityList.find((x) => x.id === h.communityId) ?? {
      id: h.communityId,
      name: h.communityName,
      address: '',
      servicePhone: null,
    };
    pick.setCommunity(community);
    pick.setBuilding({ id: h.buildingId, name: h.buildingName });
    pick.setHouse({ id: h.houseId, label: h.label, unit: null, roomNo: '' });
    setCaller(c.userId);
  };

  const findCaller = async () => {
    const number = phone.replace(/\D/g, '');
    if (!/^1\d{10}$/.test(number)) {
      setLookup({ busy: false, found: null, error: '请输入11位手机号' });
      return;
    }
    setLookup({ busy: true, found: null, error: null });
    try {
      const found = await staffApi.callers(number);
      setLookup({ busy: false, found, error: null });
      // One caller with one house: fill it in at once.
      if (found.length === 1 && found[0].houses.length === 1) fillFrom(found[0], found[0].houses[0]);
    } catch (err) {
      setLookup({ busy: false, found: null, error: textOf(err) });
    }
  };

  const restart = () => {
    pick.reset();
    setPhone('');
    setLookup({ busy: false, found: null, error: null });
    setCaller(null);
    setCategory(null);
    setKind('repair');
    setPriority('P3');
    setTime(null);
    setAbout(null);
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
    const window = visitWindowOf(time, new Date());
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
          // 今天下午 and the like go as a real window of two instants; 尽快上门 stays words.
          ...(time ? (window ? { visitWindow: window } : { preferredTime: time }) : {}),
          ...(kind === 'complaint' && about !== null ? { aboutUserId: about } : {}),
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
          <View className="title">{created.duplicate ? '已有相同工单' : '已登记'}</View>
          {created.duplicate ? (
            <View className="muted">{duplicateOrderTextForDesk(created.createdAt, Date.now())}</View>
          ) : null}
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
      {!house && (
        <View className="card" aria-label="来电号码" role="search">
          <View className="card-title">来电号码</View>
          <View className="row">
            <Input
              className="input office-phone-input"
              type="number"
              maxlength={11}
              value={phone}
              placeholder="输入来电手机号查找住户"
              placeholderClass="placeholder"
              onInput={(e) => setPhone(e.detail.value)}
              aria-label="来电手机号"
            />
            <View
              className={`btn btn-primary office-phone-btn ${lookup.busy ? 'btn-disabled' : ''}`}
              onClick={() => void findCaller()}
              role="button"
            >
              {lookup.busy ? '查找中…' : '查找'}
            </View>
          </View>
          {lookup.error && (
            <View className="office-danger" role="alert">
              {lookup.error}
            </View>
          )}
          {lookup.found && lookup.found.length === 0 && (
            <View className="muted">没有绑定这个号码的住户，请按小区、楼栋、房号选择</View>
          )}
          {(lookup.found ?? []).flatMap((c) =>
            c.houses.map((h) => (
              <View
                key={`${c.userId}-${h.houseId}`}
                className="office-option row-between"
                onClick={() => fillFrom(c, h)}
                role="button"
                aria-label={`${c.name} ${h.communityName} ${h.label}`}
              >
                <Text>{c.name}</Text>
                <Text className="muted">
                  {h.communityName} {h.label}
                </Text>
              </View>
            )),
          )}
        </View>
      )}
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
                {time && visitWindowOf(time, new Date()) && (
                  <View className="muted" data-testid="visit-window">
                    上门时间：{visitWindowText(visitWindowOf(time, new Date())!, new Date())}
                  </View>
                )}
              </View>
            )}
            {kind === 'complaint' && (techs.data ?? []).length > 0 && (
              <View>
                <View className="card-title">被投诉师傅（选填）</View>
                <View className="choices">
                  {(techs.data ?? []).map((t) => (
                    <View
                      key={t.id}
                      className={choice(about === t.id)}
                      onClick={() => setAbout(about === t.id ? null : t.id)}
                      role="radio"
                      aria-checked={about === t.id}
                    >
                      {t.name}
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

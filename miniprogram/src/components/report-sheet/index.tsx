import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  NOTICE_KIND_LABELS,
  PRIORITY_LABELS,
  type HouseBindingView,
  type Priority,
  type CreatedWorkOrderView,
  type PublicAreaOption,
  type SharedFaultsView,
} from '@linli/shared';
import { useCreateOrder } from '../../hooks/use-create-order';
import { api } from '../../services/api';
import { textOf } from '../../services/errors';
import { PREFERRED_TIMES, RESIDENT_PRIORITIES, type QuickCategory } from '../../services/format';
import { requestSubscriptions } from '../../services/platform';
import { MAX_PHOTOS, PhotoField, usePhotoUploads } from '../photo-field';
import './index.scss';

interface Props {
  house: HouseBindingView;
  category: QuickCategory;
  /** The category's name from the server, used as the description when none is typed. */
  categoryName: string;
  onClose: () => void;
  onSubmitted: (order: CreatedWorkOrderView) => void;
}

/**
 * The report sheet: everything prefilled from the tapped button, so 提交 alone files the order.
 * One Idempotency-Key per sheet makes double taps and retries after a lost answer create one
 * order; the input stays when a submit fails.
 */
export function ReportSheet({ house, category, categoryName, onClose, onSubmitted }: Props) {
  const [priority, setPriority] = useState<Priority>(category.priority);
  const [description, setDescription] = useState('');
  const [timeIndex, setTimeIndex] = useState(0);
  const uploads = usePhotoUploads();
  const [areas, setAreas] = useState<PublicAreaOption[] | null>(null);
  const [areasError, setAreasError] = useState<string | null>(null);
  const [areaId, setAreaId] = useState<number | null>(null);
  const { create, submitting, error, setError, busy } = useCreateOrder(
    '这张报修单刚才可能已经提交成功，请先到「我的工单」查看，避免重复报修',
  );
  // Known faults first (docs/notices.md "Shared faults"): current notices and open orders at the
  // house's building and the community's shared areas. Secondary: a failure shows nothing.
  const [known, setKnown] = useState<SharedFaultsView | null>(null);
  const [joining, setJoining] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    api.faultsAt({ houseId: house.houseId }).then(
      (v) => live && setKnown(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [house.houseId]);
  const join = async (id: number) => {
    if (joining !== null) return;
    void requestSubscriptions();
    setJoining(id);
    try {
      await api.joinOrder(id);
      void Taro.showToast({ title: '已记录，维修进度会通知您', icon: 'none', duration: 2500 });
      onClose();
      void Taro.navigateTo({ url: `/subpackages/orders/detail/index?id=${id}` });
    } catch (err) {
      setError(textOf(err));
    } finally {
      setJoining(null);
    }
  };

  const loadAreas = async () => {
    setAreasError(null);
    try {
      setAreas(await api.publicAreas(house.communityId));
    } catch (err) {
      setAreasError(textOf(err));
    }
  };
  useEffect(() => {
    if (category.publicArea) void loadAreas();
  }, [category.publicArea, house.communityId]);

  const submit = async () => {
    if (busy()) return;
    // WeChat asks for subscriptions only from inside the tap: start it before any await.
    void requestSubscriptions();
    const blocked = uploads.blocker();
    if (blocked) return setError(blocked);
    if (category.publicArea && areaId === null) return setError('请选择出问题的公共区域');

    const text = description.trim() || categoryName;
    const order = await create({
      category: category.code,
      description: text,
      ...(category.publicArea ? { publicAreaId: areaId! } : { houseId: house.houseId }),
      priority,
      photoIds: uploads.ids(),
      preferredTime: PREFERRED_TIMES[timeIndex],
    });
    if (!order) return;
    onSubmitted(order);
  };

  return (
    <View className="sheet-mask" onClick={onClose}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label={`报修：${category.label}`}>
        <View className="row-between sheet-head">
          <Text className="title">报修：{category.label}</Text>
          <View className="sheet-close" onClick={onClose} role="button" aria-label="关闭">
            ×
          </View>
        </View>

        {error && (
          <View className="error-banner" role="alert">
            {error}
          </View>
        )}

        {(known?.notices ?? []).map((n) => (
          <View key={`n${n.id}`} className="sheet-known" role="note">
            <Text className="pill pill-warn">{NOTICE_KIND_LABELS[n.kind]}</Text> {n.title}：{n.body}
          </View>
        ))}
        {(known?.orders ?? [])
          .filter((o) => !o.joined)
          .map((o) => (
            <View key={`o${o.id}`} className="sheet-known row-between">
              <Text>
                {o.place}已有人报修：{o.description}（{o.reporters} 人）
              </Text>
              <View
                className="btn btn-primary sheet-join"
                onClick={() => void join(o.id)}
                role="button"
                aria-label={`我也遇到了 ${o.description}`}
              >
                {joining === o.id ? '提交中…' : '我也遇到了'}
              </View>
            </View>
          ))}

        <View className="field">
          <View className="field-label">位置</View>
          {category.publicArea ? (
            <View>
              <View className="muted">{house.communityName}</View>
              {areasError && (
                <View className="row">
                  <Text className="small">{areasError}</Text>
                  <View className="link" onClick={() => void loadAreas()}>
                    重试
                  </View>
                </View>
              )}
              {areas === null && !areasError && <View className="muted">加载中…</View>}
              <View className="choices">
                {(areas ?? []).map((a) => (
                  <View
                    key={a.id}
                    className={`choice ${areaId === a.id ? 'choice-on' : ''}`}
                    onClick={() => setAreaId(a.id)}
                    role="radio"
                    aria-checked={areaId === a.id}
                  >
                    {a.name}
                  </View>
                ))}
              </View>
            </View>
          ) : (
            <View className="large">
              {house.communityName} {house.houseLabel}
            </View>
          )}
        </View>

        <View className="field">
          <View className="field-label">紧急程度</View>
          <View className="choices">
            {RESIDENT_PRIORITIES.map((p) => (
              <View
                key={p}
                className={`choice ${priority === p ? 'choice-on' : ''}`}
                onClick={() => setPriority(p)}
                role="radio"
                aria-checked={priority === p}
              >
                {PRIORITY_LABELS[p]}
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
            placeholder={`不填写则按「${categoryName}」提交`}
            placeholderClass="placeholder"
            onInput={(e) => setDescription(e.detail.value)}
            aria-label="问题描述"
          />
        </View>

        <View className="field">
          <View className="field-label">照片（可选，最多 {MAX_PHOTOS} 张）</View>
          <PhotoField uploads={uploads} />
        </View>

        <View className="field">
          <View className="field-label">期望上门时间</View>
          {/* Choices, not a picker: the native picker's list ignores care mode's large text. */}
          <View className="choices" role="radiogroup" aria-label="期望上门时间">
            {PREFERRED_TIMES.map((t, i) => (
              <View
                key={t}
                className={`choice ${i === timeIndex ? 'choice-on' : ''}`}
                onClick={() => setTimeIndex(i)}
                role="radio"
                aria-checked={i === timeIndex}
              >
                {t}
              </View>
            ))}
          </View>
        </View>

        <View
          className={`btn btn-primary btn-block sheet-submit ${submitting ? 'btn-disabled' : ''}`}
          onClick={() => void submit()}
          role="button"
          aria-disabled={submitting}
        >
          {submitting ? '提交中…' : '提交报修'}
        </View>
      </View>
    </View>
  );
}

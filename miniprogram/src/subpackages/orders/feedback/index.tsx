import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Textarea, View } from '@tarojs/components';
import { KIND_LABELS } from '@linli/shared';
import { MAX_PHOTOS, PhotoField, usePhotoUploads } from '../../../components/photo-field';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useCreateOrder } from '../../../hooks/use-create-order';
import { useLoader } from '../../../hooks/use-loader';
import { useRequireLogin } from '../../../hooks/use-session';
import { api } from '../../../services/api';
import { requestSubscriptions } from '../../../services/platform';
import './index.scss';

type FeedbackKind = 'complaint' | 'suggestion';
const KINDS: { kind: FeedbackKind; hint: string }[] = [
  { kind: 'complaint', hint: '对物业服务、人员或邻里问题不满意' },
  { kind: 'suggestion', hint: '意见、建议，或想咨询物业的事' },
];

/**
 * 投诉 / 建议: a work order of kind complaint or suggestion (category other), tracked like a
 * repair. As in the report sheet, one Idempotency-Key per form makes a double tap or a retry
 * after a lost answer file one order, and the input stays when a submit fails.
 */
export default function FeedbackPage() {
  useRequireLogin();
  const { params } = useRouter();
  const houses = useLoader(() => api.myHouses(), []);
  const [kind, setKind] = useState<FeedbackKind | null>(
    params.kind === 'complaint' || params.kind === 'suggestion' ? params.kind : null,
  );
  const [houseId, setHouseId] = useState<number | null>(null);
  const [description, setDescription] = useState('');
  const uploads = usePhotoUploads();
  const { create, submitting, error, setError, busy } = useCreateOrder(
    '刚才可能已经提交成功，请先到「我的工单」查看，避免重复提交',
  );

  const verified = (houses.data ?? []).filter((h) => h.status === 'verified');
  const house = verified.find((h) => h.houseId === houseId) ?? verified[0];

  const submit = async () => {
    if (busy()) return;
    void requestSubscriptions();
    if (!kind) return setError('请选择是投诉还是建议/咨询');
    if (!house) return setError('请先绑定房屋');
    const text = description.trim();
    if (!text) return setError('请填写具体内容');
    const blocked = uploads.blocker();
    if (blocked) return setError(blocked);

    const order = await create({
      kind,
      category: 'other',
      description: text,
      houseId: house.houseId,
      photoIds: uploads.ids(),
    });
    if (!order) return;
    void Taro.showToast({ title: '已提交', icon: 'success' });
    void Taro.redirectTo({ url: `/subpackages/orders/detail/index?id=${order.id}` });
  };

  if (houses.loading && !houses.data)
    return (
      <Screen className="feedback">
        <StateView loading />
      </Screen>
    );
  if (houses.error && !houses.data) {
    return (
      <Screen className="feedback">
        <StateView error={houses.error} onRetry={() => void houses.reload()} />
      </Screen>
    );
  }
  if (!house) {
    return (
      <Screen className="feedback">
        <View className="card">
          <View className="card-title">还没有已认证的房屋</View>
          <View className="muted feedback-hint">绑定并通过物业审核后，就可以提交投诉或建议。</View>
          <View
            className="btn btn-primary btn-block feedback-submit"
            onClick={() => void Taro.navigateTo({ url: '/subpackages/account/bind/index' })}
            role="button"
          >
            绑定房屋
          </View>
        </View>
      </Screen>
    );
  }

  return (
    <Screen className="feedback">
      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}

      <View className="card">
        <View className="card-title">您要提交的是</View>
        <View className="choices" role="radiogroup" aria-label="类型">
          {KINDS.map((k) => (
            <View
              key={k.kind}
              className={`choice feedback-kind ${kind === k.kind ? 'choice-on' : ''}`}
              onClick={() => setKind(k.kind)}
              role="radio"
              aria-checked={kind === k.kind}
            >
              {KIND_LABELS[k.kind]}
            </View>
          ))}
        </View>
        {kind && <View className="muted feedback-hint">{KINDS.find((k) => k.kind === kind)!.hint}</View>}
      </View>

      <View className="card">
        <View className="field">
          <View className="field-label">房屋</View>
          {verified.length > 1 ? (
            <View className="choices" role="radiogroup" aria-label="房屋">
              {verified.map((h) => (
                <View
                  key={h.houseId}
                  className={`choice ${house.houseId === h.houseId ? 'choice-on' : ''}`}
                  onClick={() => setHouseId(h.houseId)}
                  role="radio"
                  aria-checked={house.houseId === h.houseId}
                >
                  {h.communityName} {h.houseLabel}
                </View>
              ))}
            </View>
          ) : (
            <View className="large">
              {house.communityName} {house.houseLabel}
            </View>
          )}
        </View>

        <View className="field">
          <View className="field-label">具体内容（必填）</View>
          <Textarea
            className="textarea"
            value={description}
            maxlength={500}
            placeholder="请写清楚发生了什么、在哪里、希望物业怎么处理"
            placeholderClass="placeholder"
            onInput={(e) => setDescription(e.detail.value)}
            aria-label="具体内容"
          />
        </View>

        <View className="field">
          <View className="field-label">照片（可选，最多 {MAX_PHOTOS} 张）</View>
          <PhotoField uploads={uploads} />
        </View>
      </View>

      <View
        className={`btn btn-primary btn-block feedback-submit ${submitting ? 'btn-disabled' : ''}`}
        onClick={() => void submit()}
        role="button"
        aria-disabled={submitting}
      >
        {submitting ? '提交中…' : kind === 'complaint' ? '提交投诉' : kind === 'suggestion' ? '提交建议' : '提交'}
      </View>
    </Screen>
  );
}

import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  BINDING_RELATIONS,
  BINDING_STATUS_LABELS,
  realNameOf,
  RELATION_LABELS,
  type BindingRelation,
  type HouseBindingView,
} from '@linli/shared';
import { HousePicker, useHousePick } from '../../../components/house-picker';
import { PendingNext } from '../../../components/pending-binding';
import { Screen } from '../../../components/screen';
import { SmsProofFields, useSmsProof } from '../../../components/sms-proof';
import { useLoader } from '../../../hooks/use-loader';
import { api, ApiError, type PhoneProofInput } from '../../../services/api';
import { isWeapp } from '../../../services/platform';
import { textOf } from '../../../services/errors';
import { storage } from '../../../services/storage';
import './index.scss';

/**
 * Community -> building -> house -> who you are, with a proven phone: WeChat's phone-number
 * button in the mini-program, an SMS code on H5 (docs/households.md). Verified at once as owner
 * when the phone is the owner's on the property's register; otherwise the owner or the property
 * office approves.
 */
export default function BindPage() {
  const mine = useLoader(() => api.myHouses(), []);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const communities = useLoader(() => api.communities(query || undefined), [query]);
  const pick = useHousePick();
  const { community, house } = pick;
  const user = storage.user();
  const [relation, setRelation] = useState<BindingRelation>('owner');
  // A new WeChat user is called 微信用户 until they say their name: never prefill that.
  const [name, setName] = useState(realNameOf(user?.name));
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sms = useSmsProof(user?.phone ?? '', setError);
  const [result, setResult] = useState<HouseBindingView | null>(null);

  const submitWith = async (proof: PhoneProofInput) => {
    if (!house || submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      setResult(await api.requestBinding({ houseId: house.id, relation, name: name.trim(), ...proof }));
      void mine.reload();
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'BINDING_EXISTS' ? '这套房屋您已经提交过绑定申请' : textOf(err));
    } finally {
      setSubmitting(false);
    }
  };

  /** H5: the phone and the SMS code sent to it. */
  const submit = async () => {
    if (!name.trim()) return setError('请填写姓名');
    const proof = sms.proof();
    if (proof) await submitWith(proof);
  };

  /** Mini-program: WeChat's phone-number button hands a one-use code for the server. */
  const onPhoneNumber = (code: string | undefined) => {
    if (!name.trim()) return setError('请填写姓名');
    if (!code) return setError('需要授权微信手机号才能验证身份');
    void submitWith({ phoneCode: code });
  };

  const restart = () => {
    pick.reset();
    setResult(null);
    setError(null);
  };

  if (result) {
    const ok = result.status === 'verified';
    return (
      <Screen className="bind">
        <View className="card bind-result">
          <Text className={`bind-result-mark ${ok ? 'bind-ok' : 'bind-pending'}`}>{ok ? '✓' : '…'}</Text>
          <View className="title">{ok ? '绑定成功' : '已提交，等待审核'}</View>
          <View className="large">
            {result.communityName} {result.houseLabel}
          </View>
          <View className="muted bind-result-text">
            {ok
              ? '现在可以一键报修了。'
              : '您的手机号与物业登记的业主手机号不一致，需要业主在“家庭成员”中同意，或由物业审核。'}
          </View>
          {!ok && <PendingNext binding={result} />}
          <View
            className="btn btn-primary btn-block"
            onClick={() => void Taro.reLaunch({ url: '/pages/home/index' })}
            role="button"
          >
            {ok ? '去报修' : '返回首页'}
          </View>
          <View className="btn btn-block" onClick={restart} role="button">
            再绑定一套
          </View>
        </View>
      </Screen>
    );
  }

  return (
    <Screen className="bind">
      {(mine.data ?? []).length > 0 && !community && (
        <View className="card">
          <View className="card-title">我的房屋</View>
          {mine.data!.map((b) => (
            <View key={b.id} className="list-item">
              <Text>
                {b.communityName} {b.houseLabel}（{RELATION_LABELS[b.relation]}）
              </Text>
              <Text
                className={`pill ${b.status === 'verified' ? 'pill-ok' : b.status === 'pending' ? 'pill-warn' : 'pill-muted'}`}
              >
                {BINDING_STATUS_LABELS[b.status]}
              </Text>
              {b.status === 'verified' && b.relation === 'owner' && (
                <View
                  className="link"
                  onClick={() =>
                    void Taro.navigateTo({ url: `/subpackages/account/household/index?houseId=${b.houseId}` })
                  }
                  role="button"
                >
                  家庭成员
                </View>
              )}
            </View>
          ))}
        </View>
      )}

      <HousePicker
        pick={pick}
        communities={communities}
        communitySearch={
          <View className="row bind-search">
            <Input
              className="input bind-search-input"
              value={q}
              placeholder="输入小区名称"
              placeholderClass="placeholder"
              onInput={(e) => setQ(e.detail.value)}
              onConfirm={() => setQuery(q.trim())}
              aria-label="小区名称"
            />
            <View className="btn btn-primary bind-search-btn" onClick={() => setQuery(q.trim())} role="button">
              搜索
            </View>
          </View>
        }
        showAddress
        communityEmptyText="没有找到这个小区"
        hideWhileLoading
        showEmptyBuildings
        choiceClassName="choice bind-choice"
        houseLabel={(h) => (h.unit ? `${h.unit} ${h.roomNo}` : h.label)}
        crumbsClassName="row-between bind-crumbs"
        error={error}
        onRestart={restart}
      >
        <View className="card">
          <View className="card-title">4. 填写身份</View>
          <View className="field">
            <View className="field-label">与房屋的关系</View>
            <View className="choices">
              {BINDING_RELATIONS.map((r) => (
                <View
                  key={r}
                  className={`choice ${relation === r ? 'choice-on' : ''}`}
                  onClick={() => setRelation(r)}
                  role="radio"
                  aria-checked={relation === r}
                >
                  {RELATION_LABELS[r]}
                </View>
              ))}
            </View>
          </View>
          <View className="field">
            <View className="field-label">姓名</View>
            <Input
              className="input"
              value={name}
              maxlength={50}
              onInput={(e) => setName(e.detail.value)}
              aria-label="姓名"
            />
          </View>
          {isWeapp ? (
            <View className="field">
              <Button
                className={`btn btn-primary btn-block ${submitting ? 'btn-disabled' : ''}`}
                openType="getPhoneNumber"
                onGetPhoneNumber={(e) => onPhoneNumber((e.detail as { code?: string }).code)}
              >
                {submitting ? '提交中…' : '微信手机号验证并提交'}
              </Button>
              <View className="muted bind-hint">手机号与物业登记的业主一致时立即认证，否则需业主或物业审核。</View>
            </View>
          ) : (
            <>
              <SmsProofFields sms={sms} hint="手机号与物业登记的业主一致时立即认证，否则需业主或物业审核。" />
              <View
                className={`btn btn-primary btn-block ${submitting ? 'btn-disabled' : ''}`}
                onClick={() => void submit()}
                role="button"
              >
                {submitting ? '提交中…' : '提交绑定'}
              </View>
            </>
          )}
          <View
            className="btn btn-block"
            onClick={() => void Taro.navigateTo({ url: '/subpackages/account/invite/index' })}
            role="button"
          >
            我有邀请码
          </View>
        </View>
      </HousePicker>
    </Screen>
  );
}

import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
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
import { useLoader } from '../../../hooks/use-loader';
import { api, ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { storage } from '../../../services/storage';
import './index.scss';

const PHONE = /^(\+?86)?1\d{10}$/;

/** Community -> building -> house -> who you are; verified at once when the registry agrees. */
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
  const [phone, setPhone] = useState(user?.phone ?? '');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<HouseBindingView | null>(null);

  const submit = async () => {
    if (!house || submitting) return;
    if (!name.trim()) return setError('请填写姓名');
    if (!PHONE.test(phone.trim())) return setError('请填写正确的手机号');
    setSubmitting(true);
    setError(null);
    try {
      setResult(await api.requestBinding({ houseId: house.id, relation, name: name.trim(), phone: phone.trim() }));
      void mine.reload();
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'BINDING_EXISTS' ? '这套房屋您已经提交过绑定申请' : textOf(err));
    } finally {
      setSubmitting(false);
    }
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
            {ok ? '现在可以一键报修了。' : '您填写的姓名或手机号与物业登记的不一致，需要物业人工审核。'}
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
          <View className="field">
            <View className="field-label">手机号</View>
            <Input
              className="input"
              type="number"
              value={phone}
              maxlength={14}
              onInput={(e) => setPhone(e.detail.value)}
              aria-label="手机号"
            />
            <View className="muted bind-hint">与物业登记一致时立即认证，否则需物业审核。</View>
          </View>
          <View
            className={`btn btn-primary btn-block ${submitting ? 'btn-disabled' : ''}`}
            onClick={() => void submit()}
            role="button"
          >
            {submitting ? '提交中…' : '提交绑定'}
          </View>
        </View>
      </HousePicker>
    </Screen>
  );
}

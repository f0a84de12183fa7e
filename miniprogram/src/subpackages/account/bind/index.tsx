import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { BINDING_RELATIONS, RELATION_LABELS, type BindingRelation, type HouseBindingView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { api, ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { storage } from '../../../services/storage';
import type { BuildingOption, CommunityOption, HouseOption } from '../../../services/types';
import './index.scss';

const PHONE = /^(\+?86)?1\d{10}$/;
const BINDING_TEXT: Record<HouseBindingView['status'], string> = {
  verified: '已认证',
  pending: '审核中',
  rejected: '未通过',
};

/** Community -> building -> house -> who you are; verified at once when the registry agrees. */
export default function BindPage() {
  const mine = useLoader(() => api.myHouses(), []);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const communities = useLoader(() => api.communities(query || undefined), [query]);
  const [community, setCommunity] = useState<CommunityOption | null>(null);
  const buildings = useLoader(
    () => (community ? api.buildings(community.id) : Promise.resolve([] as BuildingOption[])),
    [community?.id],
  );
  const [building, setBuilding] = useState<BuildingOption | null>(null);
  const houses = useLoader(
    () => (building ? api.houses(building.id) : Promise.resolve([] as HouseOption[])),
    [building?.id],
  );
  const [house, setHouse] = useState<HouseOption | null>(null);
  const user = storage.user();
  const [relation, setRelation] = useState<BindingRelation>('owner');
  const [name, setName] = useState(user?.name ?? '');
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
    setCommunity(null);
    setBuilding(null);
    setHouse(null);
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
            {ok ? '现在可以一键报修了。' : '您填写的姓名或手机号与物业登记的不一致，物业审核通过后即可报修。'}
          </View>
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

  const crumbs = [community?.name, building?.name, house?.label].filter(Boolean).join(' / ');

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
                {BINDING_TEXT[b.status]}
              </Text>
            </View>
          ))}
        </View>
      )}

      {crumbs && (
        <View className="row-between bind-crumbs">
          <Text className="muted">{crumbs}</Text>
          <View className="link-btn" onClick={restart} role="button">
            重新选择
          </View>
        </View>
      )}

      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}

      {!community ? (
        <View className="card">
          <View className="card-title">1. 选择小区</View>
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
          <StateView
            loading={communities.loading}
            error={communities.error}
            onRetry={() => void communities.reload()}
            empty={!communities.data?.length}
            emptyText="没有找到这个小区"
          />
          {!communities.loading &&
            (communities.data ?? []).map((c) => (
              <View key={c.id} className="list-item" onClick={() => setCommunity(c)} role="button">
                <View>
                  <View>{c.name}</View>
                  {c.address && <View className="muted">{c.address}</View>}
                </View>
                <Text className="arrow">›</Text>
              </View>
            ))}
        </View>
      ) : !building ? (
        <View className="card">
          <View className="card-title">2. 选择楼栋</View>
          <StateView
            loading={buildings.loading}
            error={buildings.error}
            onRetry={() => void buildings.reload()}
            empty={!buildings.data?.length}
          />
          {!buildings.loading && (
            <View className="choices">
              {(buildings.data ?? []).map((b) => (
                <View key={b.id} className="choice bind-choice" onClick={() => setBuilding(b)} role="button">
                  {b.name}
                </View>
              ))}
            </View>
          )}
        </View>
      ) : !house ? (
        <View className="card">
          <View className="card-title">3. 选择房号</View>
          <StateView
            loading={houses.loading}
            error={houses.error}
            onRetry={() => void houses.reload()}
            empty={!houses.data?.length}
          />
          {!houses.loading && (
            <View className="choices">
              {(houses.data ?? []).map((h) => (
                <View key={h.id} className="choice bind-choice" onClick={() => setHouse(h)} role="button">
                  {h.unit ? `${h.unit} ${h.roomNo}` : h.label}
                </View>
              ))}
            </View>
          )}
        </View>
      ) : (
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
      )}
    </Screen>
  );
}

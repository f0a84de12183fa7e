import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import {
  BINDING_STATUS_LABELS,
  INVITE_RELATIONS,
  RELATION_LABELS,
  type HouseholdView,
  type HouseInviteView,
  type HouseMemberView,
  type InviteRelation,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import './index.scss';

const dateOf = (iso: string) => {
  const d = new Date(iso);
  return `${d.getMonth() + 1}月${d.getDate()}日`;
};

/**
 * 家庭成员 (docs/households.md): the verified owner of a house approves or rejects requests to
 * bind it, invites family members and tenants (a one-use code valid 7 days), allows a member to
 * approve fees (可审批费用) and removes members; removal takes effect at once.
 */
export default function HouseholdPage() {
  const router = useRouter();
  const houses = useLoader(() => api.myHouses(), []);
  const owned = (houses.data ?? []).filter((b) => b.status === 'verified' && b.relation === 'owner');
  const [picked, setPicked] = useState<number | null>(Number(router.params?.houseId) || null);
  const houseId = picked ?? owned[0]?.houseId ?? null;
  const page = useLoader<HouseholdView | null>(
    () => (houseId ? api.household(houseId) : Promise.resolve(null)),
    [houseId],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [relation, setRelation] = useState<InviteRelation>('family');
  const [allowFees, setAllowFees] = useState(false);
  const [made, setMade] = useState<HouseInviteView | null>(null);

  const run = async (work: () => Promise<HouseholdView | void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const next = await work();
      if (next) page.setData(next);
    } catch (err) {
      setError(textOf(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (m: HouseMemberView) => {
    const res = await Taro.showModal({
      title: '移除成员',
      content: `移除后${m.name}将立即无法查看和报修这套房屋的工单。`,
      confirmText: '移除',
    });
    if (res.confirm) await run(() => api.removeMember(m.bindingId));
  };

  const invite = () =>
    run(async () => {
      setMade(await api.createInvite(houseId!, { relation, canApproveFees: allowFees }));
      return api.household(houseId!);
    });

  if (houses.loading || houses.error) {
    return (
      <Screen className="household">
        <StateView loading={houses.loading} error={houses.error} onRetry={() => void houses.reload()} />
      </Screen>
    );
  }
  if (!owned.length) {
    return (
      <Screen className="household">
        <View className="card muted" role="note">
          只有已认证的业主可以管理家庭成员。家属和租户可以请业主在这里邀请您，或同意您的绑定申请。
        </View>
      </Screen>
    );
  }

  const data = page.data;
  return (
    <Screen className="household">
      {owned.length > 1 && (
        <View className="card choices">
          {owned.map((b) => (
            <View
              key={b.houseId}
              className={`choice ${b.houseId === houseId ? 'choice-on' : ''}`}
              onClick={() => setPicked(b.houseId)}
              role="radio"
              aria-checked={b.houseId === houseId}
            >
              {b.communityName} {b.houseLabel}
            </View>
          ))}
        </View>
      )}
      {error && (
        <View className="card error-text" role="alert">
          {error}
        </View>
      )}
      {!data ? (
        <StateView loading={page.loading} error={page.error} onRetry={() => void page.reload()} />
      ) : (
        <>
          <View className="card">
            <View className="card-title">
              {data.communityName} {data.houseLabel}
            </View>
            <View className="muted">
              业主和获准的成员可以审批费用；家属和租户可以报修、查看进度；只有报修人可以评价。
            </View>
          </View>

          {data.pending.length > 0 && (
            <View className="card">
              <View className="card-title">待您审核（{data.pending.length}）</View>
              {data.pending.map((m) => (
                <View key={m.bindingId} className="household-member">
                  <Text className="large">
                    {m.name}（{RELATION_LABELS[m.relation]}）
                  </Text>
                  <View className="muted">
                    {m.phone} · {dateOf(m.createdAt)}申请
                  </View>
                  <View className="household-member-actions">
                    <View
                      className={`btn btn-primary ${busy ? 'btn-disabled' : ''}`}
                      onClick={() => void run(() => api.reviewMember(m.bindingId, 'verified'))}
                      role="button"
                      aria-label={`同意${m.name}`}
                    >
                      同意
                    </View>
                    <View
                      className={`btn btn-danger ${busy ? 'btn-disabled' : ''}`}
                      onClick={() => void run(() => api.reviewMember(m.bindingId, 'rejected'))}
                      role="button"
                      aria-label={`拒绝${m.name}`}
                    >
                      拒绝
                    </View>
                  </View>
                </View>
              ))}
            </View>
          )}

          <View className="card">
            <View className="card-title">成员</View>
            {data.members.map((m) => (
              <View key={m.bindingId} className="household-member">
                <View className="row-between">
                  <Text className="large">
                    {m.name}
                    {m.isMe ? '（我）' : ''}
                  </Text>
                  <Text className="pill pill-ok">{RELATION_LABELS[m.relation]}</Text>
                </View>
                <View className="muted">
                  {m.phone} · {BINDING_STATUS_LABELS[m.status]}
                  {m.canApproveFees ? ' · 可审批费用' : ''}
                </View>
                {m.relation !== 'owner' && (
                  <View className="household-member-actions">
                    <View
                      className={`btn ${busy ? 'btn-disabled' : ''}`}
                      onClick={() => void run(() => api.updateMember(m.bindingId, !m.canApproveFees))}
                      role="button"
                      aria-label={`${m.canApproveFees ? '取消' : '允许'}${m.name}审批费用`}
                    >
                      {m.canApproveFees ? '取消审批费用' : '允许审批费用'}
                    </View>
                    <View
                      className={`btn btn-danger ${busy ? 'btn-disabled' : ''}`}
                      onClick={() => void remove(m)}
                      role="button"
                      aria-label={`移除${m.name}`}
                    >
                      移除
                    </View>
                  </View>
                )}
              </View>
            ))}
          </View>

          <View className="card">
            <View className="card-title">邀请家人或租户</View>
            <View className="choices">
              {INVITE_RELATIONS.map((r) => (
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
            <View
              className={`choice ${allowFees ? 'choice-on' : ''}`}
              onClick={() => setAllowFees(!allowFees)}
              role="checkbox"
              aria-checked={allowFees}
            >
              可审批费用
            </View>
            <View
              className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
              onClick={() => void invite()}
              role="button"
            >
              生成邀请码
            </View>
            {made && (
              <View className="household-invite">
                <View className="household-code" aria-label="邀请码">
                  {made.code}
                </View>
                {made.qrPng && (
                  <Image className="household-qr" src={made.qrPng} mode="aspectFit" aria-label="邀请二维码" />
                )}
                <View className="muted">
                  {RELATION_LABELS[made.relation]}邀请，{dateOf(made.expiresAt)}前有效，只能使用一次。对方在“绑定房屋 ·
                  我有邀请码”中输入或扫码。
                </View>
                <View
                  className="btn btn-block"
                  onClick={() => void Taro.setClipboardData({ data: made.code })}
                  role="button"
                >
                  复制邀请码
                </View>
              </View>
            )}
            {data.invites
              .filter((i) => i.id !== made?.id)
              .map((i) => (
                <View key={i.id} className="list-item">
                  <Text>
                    {i.code}（{RELATION_LABELS[i.relation]}，{dateOf(i.expiresAt)}前有效）
                  </Text>
                  <View
                    className="link"
                    onClick={() => void run(() => api.revokeInvite(i.id))}
                    role="button"
                    aria-label={`撤回邀请码${i.code}`}
                  >
                    撤回
                  </View>
                </View>
              ))}
          </View>
        </>
      )}
    </Screen>
  );
}

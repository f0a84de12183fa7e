import { useRef, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import { formatChinaDateTime, NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind, type NoticeView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { staffApi } from '../../../services/staff-api';
import { useOfficeGuard } from '../common';

const HOUR = 3600_000;
/** When the outage starts: now, or in an hour or two (a planned one is announced ahead). */
const STARTS = [
  { label: '现在', offset: 0 },
  { label: '1小时后', offset: HOUR },
  { label: '2小时后', offset: 2 * HOUR },
];
const DURATIONS = [2, 4, 8, 12, 24];

/**
 * 小区通知 in staff mode (desk, supervisors): publish a 停水/停电/电梯维保 notice to a community or
 * some of its buildings for a time window; residents see it on home and get a message. Choices,
 * not pickers, so care mode's large text reaches every control.
 */
export default function NoticesPage() {
  const list = useLoader(() => api.notices(), []);
  useOfficeGuard(undefined, () => void list.reload());
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const communities = useLoader(() => api.communities(), []);
  const [communityId, setCommunityId] = useState<number | null>(null);
  const community = (communities.data ?? []).find((c) => c.id === communityId) ?? communities.data?.[0];
  const buildings = useLoader(() => (community ? api.buildings(community.id) : Promise.resolve([])), [community?.id]);
  const [buildingIds, setBuildingIds] = useState<number[]>([]);
  const [kind, setKind] = useState<NoticeKind>('water');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [start, setStart] = useState(0);
  const [hours, setHours] = useState(4);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);

  const toggleBuilding = (id: number) =>
    setBuildingIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  const publish = async () => {
    if (busy.current || !community) return;
    if (!title.trim()) return setError('请填写标题');
    if (!body.trim()) return setError('请填写通知内容');
    busy.current = true;
    setSaving(true);
    setError(null);
    const startsAt = new Date(Date.now() + STARTS[start].offset);
    try {
      const n = await staffApi.publishNotice({
        communityId: community.id,
        buildingIds: buildingIds.length ? buildingIds : null,
        kind,
        title: title.trim(),
        body: body.trim(),
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + hours * HOUR).toISOString(),
      });
      void Taro.showToast({ title: `已通知 ${n.recipients ?? 0} 位住户`, icon: 'none', duration: 2500 });
      setTitle('');
      setBody('');
      setBuildingIds([]);
      void list.reload();
    } catch (err) {
      setError(textOf(err));
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const end = async (n: NoticeView) => {
    const ok = await Taro.showModal({ title: '提前结束', content: `结束「${n.title}」后住户首页不再显示，确定吗？` });
    if (!ok.confirm) return;
    try {
      await staffApi.endNotice(n.id);
      void Taro.showToast({ title: '已结束', icon: 'success' });
    } catch (err) {
      setError(textOf(err));
    }
    void list.reload();
  };

  return (
    <Screen className="office">
      <View className="card">
        <View className="card-title">发布通知</View>
        {error && (
          <View className="error-banner" role="alert">
            {error}
          </View>
        )}
        <View className="field">
          <View className="field-label">小区</View>
          <View className="choices" role="radiogroup" aria-label="小区">
            {(communities.data ?? []).map((c) => (
              <View
                key={c.id}
                className={`choice ${community?.id === c.id ? 'choice-on' : ''}`}
                onClick={() => {
                  setCommunityId(c.id);
                  setBuildingIds([]);
                }}
                role="radio"
                aria-checked={community?.id === c.id}
              >
                {c.name}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="field-label">楼栋（不选为全小区）</View>
          <View className="choices" aria-label="楼栋">
            {(buildings.data ?? []).map((b) => (
              <View
                key={b.id}
                className={`choice ${buildingIds.includes(b.id) ? 'choice-on' : ''}`}
                onClick={() => toggleBuilding(b.id)}
                role="checkbox"
                aria-checked={buildingIds.includes(b.id)}
              >
                {b.name}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="field-label">类型</View>
          <View className="choices" role="radiogroup" aria-label="类型">
            {NOTICE_KINDS.map((k) => (
              <View
                key={k}
                className={`choice ${kind === k ? 'choice-on' : ''}`}
                onClick={() => setKind(k)}
                role="radio"
                aria-checked={kind === k}
              >
                {NOTICE_KIND_LABELS[k]}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="field-label">标题</View>
          <Input
            className="input"
            value={title}
            maxlength={60}
            placeholder="例如：3栋停水通知"
            onInput={(e) => setTitle(e.detail.value)}
            aria-label="标题"
          />
        </View>
        <View className="field">
          <View className="field-label">内容</View>
          <Textarea
            className="textarea"
            value={body}
            maxlength={500}
            placeholder="例如：因管道维修停水，请提前储水。"
            onInput={(e) => setBody(e.detail.value)}
            aria-label="内容"
          />
        </View>
        <View className="field">
          <View className="field-label">开始</View>
          <View className="choices" role="radiogroup" aria-label="开始">
            {STARTS.map((s, i) => (
              <View
                key={s.label}
                className={`choice ${start === i ? 'choice-on' : ''}`}
                onClick={() => setStart(i)}
                role="radio"
                aria-checked={start === i}
              >
                {s.label}
              </View>
            ))}
          </View>
        </View>
        <View className="field">
          <View className="field-label">持续</View>
          <View className="choices" role="radiogroup" aria-label="持续">
            {DURATIONS.map((h) => (
              <View
                key={h}
                className={`choice ${hours === h ? 'choice-on' : ''}`}
                onClick={() => setHours(h)}
                role="radio"
                aria-checked={hours === h}
              >
                {h}小时
              </View>
            ))}
          </View>
        </View>
        <View
          className={`btn btn-primary btn-block ${saving ? 'btn-disabled' : ''}`}
          onClick={() => void publish()}
          role="button"
          aria-disabled={saving}
        >
          {saving ? '发布中…' : '发布并通知住户'}
        </View>
      </View>

      <View className="section-title">未结束的通知</View>
      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : list.data.length === 0 ? (
        <StateView empty emptyText="没有未结束的通知" />
      ) : (
        list.data.map((n) => (
          <View key={n.id} className="card office-item" data-testid="notice-item">
            <View className="row-between">
              <Text className="card-title">{n.title}</Text>
              <Text className="pill pill-warn">{NOTICE_KIND_LABELS[n.kind]}</Text>
            </View>
            <View className="muted">
              {n.communityName} {n.buildingNames.length ? n.buildingNames.join('、') : '全小区'} ·{' '}
              {formatChinaDateTime(new Date(n.startsAt))} 至 {formatChinaDateTime(new Date(n.endsAt))}
            </View>
            <View>{n.body}</View>
            <View className="muted">已通知 {n.recipients ?? 0} 位住户</View>
            <View className="link-btn" onClick={() => void end(n)} role="button">
              提前结束
            </View>
          </View>
        ))
      )}
    </Screen>
  );
}

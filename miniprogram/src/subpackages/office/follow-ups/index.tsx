import { useRef, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  FOLLOW_UP_CHANNEL_LABELS,
  FOLLOW_UP_CHANNELS,
  FOLLOW_UP_REASON_LABELS,
  FOLLOW_UP_STATUS_LABELS,
  type CompleteFollowUpInput,
  type FollowUpChannel,
  type FollowUpView,
  type WorkOrderKind,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { Stars } from '../../../components/stars';
import { useLoader } from '../../../hooks/use-loader';
import { ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { formatTime, orderTitle } from '../../../services/format';
import { callPhone, canDial } from '../../../services/platform';
import { staffApi } from '../../../services/staff-api';
import { orderUrl, useOfficeGuard } from '../common';

type Tab = 'open' | 'done';

/** 回访: the desk's call list, most urgent first; call the resident, then record what they said. */
export default function FollowUpsPage() {
  const [tab, setTab] = useState<Tab>('open');
  const list = useLoader(() => staffApi.followUps(tab), [tab]);
  useOfficeGuard(undefined, () => void list.reload());
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const [recording, setRecording] = useState<FollowUpView | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);

  const record = async (f: FollowUpView, input: CompleteFollowUpInput) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setNotice(null);
    try {
      await staffApi.completeFollowUp(f.id, input);
      setRecording(null);
      void Taro.showToast({ title: '回访已记录', icon: 'success' });
      void list.reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setRecording(null);
        setNotice('这条回访已被同事记录，列表已刷新');
        void list.reload();
      } else {
        setNotice(textOf(err));
      }
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <Screen className="office">
      <View className="tabs" role="tablist">
        {(['open', 'done'] as const).map((t) => (
          <View
            key={t}
            className={`tab ${tab === t ? 'tab-on' : ''}`}
            onClick={() => setTab(t)}
            role="tab"
            aria-selected={tab === t}
          >
            {FOLLOW_UP_STATUS_LABELS[t]}
            {tab === t && list.data ? ` (${list.data.total})` : ''}
          </View>
        ))}
      </View>
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}
      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : items.length === 0 ? (
        <StateView empty emptyText={tab === 'open' ? '没有待回访的工单' : '还没有回访记录'} />
      ) : (
        items.map((f) => (
          <View key={f.id} className="card office-item" data-testid="follow-up">
            <View className="row-between">
              <Text className="card-title">{FOLLOW_UP_REASON_LABELS[f.reason]}</Text>
              {f.status === 'open' ? (
                <Text className={f.overdue ? 'office-danger' : 'muted'}>
                  {f.overdue ? '已超时' : `${formatTime(f.dueAt)} 前`}
                </Text>
              ) : (
                <Text className="muted">{f.doneAt ? formatTime(f.doneAt) : ''}</Text>
              )}
            </View>
            <View
              className="link-row"
              onClick={() => void Taro.navigateTo({ url: orderUrl(f.workOrderId) })}
              role="link"
            >
              {orderTitle({ kind: f.orderKind as WorkOrderKind, category: f.category })} ·{f.location}
            </View>
            <View className="muted">
              工单 {f.orderNo}
              {f.ratingStars ? ` · 住户评价 ${f.ratingStars} 星` : ''}
              {f.assignee ? ` · 师傅 ${f.assignee.name}` : ''}
            </View>
            {(f.ratingComment || f.ratingTags?.length > 0) && (
              <View className="office-quote" data-testid="rating-comment">
                住户评价：{[f.ratingTags?.join('、'), f.ratingComment].filter(Boolean).join('；')}
              </View>
            )}
            {f.reporter && (
              <View className="info-row">
                <Text className="info-key">住户</Text>
                <Text>
                  {f.reporter.name} {f.reporter.phone ?? ''}
                </Text>
              </View>
            )}
            {f.status === 'done' ? (
              <View>
                {f.reached ? `已接通${f.stars ? `，${f.stars} 星` : ''}` : '未接通'}：{f.outcome}
              </View>
            ) : (
              <View className="office-item-actions">
                {canDial(f.reporter?.phone) && (
                  <View
                    className="btn"
                    onClick={() => callPhone(f.reporter!.phone!)}
                    role="button"
                    aria-label={`打电话 ${f.reporter!.name}`}
                  >
                    打电话
                  </View>
                )}
                <View
                  className="btn btn-primary"
                  onClick={() => setRecording(f)}
                  role="button"
                  aria-label={`记录回访 ${f.orderNo}`}
                >
                  记录回访
                </View>
              </View>
            )}
          </View>
        ))
      )}
      {recording && (
        <RecordSheet
          followUp={recording}
          busy={busy}
          onCancel={() => setRecording(null)}
          onConfirm={(input) => void record(recording, input)}
        />
      )}
    </Screen>
  );
}

function RecordSheet({
  followUp,
  busy,
  onCancel,
  onConfirm,
}: {
  followUp: FollowUpView;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (input: CompleteFollowUpInput) => void;
}) {
  const [channel, setChannel] = useState<FollowUpChannel>('phone');
  const [reached, setReached] = useState<boolean | null>(null);
  const [stars, setStars] = useState(0);
  const [fixed, setFixed] = useState<boolean | null>(null);
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = () => {
    if (reached === null) return setError('请选择是否联系上住户');
    if (reached && stars === 0) return setError('请记录住户的评分');
    if (!outcome.trim()) return setError('请填写回访结果');
    setError(null);
    onConfirm({
      channel,
      reached,
      outcome: outcome.trim(),
      ...(reached ? { stars } : {}),
      ...(reached && fixed !== null ? { fixed } : {}),
    });
  };
  const option = (on: boolean) => `office-option ${on ? 'office-option-on' : ''}`;

  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet office-sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="记录回访">
        <View className="title">记录回访</View>
        <View className="muted">
          工单 {followUp.orderNo} · {followUp.location}
        </View>
        <View className="section-title">方式</View>
        <View className="row">
          {FOLLOW_UP_CHANNELS.map((c) => (
            <View
              key={c}
              className={`choice ${channel === c ? 'choice-on' : ''}`}
              onClick={() => setChannel(c)}
              role="radio"
              aria-checked={channel === c}
            >
              {FOLLOW_UP_CHANNEL_LABELS[c]}
            </View>
          ))}
        </View>
        <View className="section-title">联系上住户了吗？</View>
        <View
          className={option(reached === true)}
          onClick={() => setReached(true)}
          role="radio"
          aria-checked={reached === true}
        >
          联系上了
        </View>
        <View
          className={option(reached === false)}
          onClick={() => setReached(false)}
          role="radio"
          aria-checked={reached === false}
        >
          没联系上
        </View>
        {reached && (
          <View>
            <View className="section-title">住户评分</View>
            <Stars value={stars} onChange={setStars} label="住户评分" />
            <View className="section-title">修好了吗？</View>
            <View className="row">
              <View
                className={`choice ${fixed === true ? 'choice-on' : ''}`}
                onClick={() => setFixed(true)}
                role="radio"
                aria-checked={fixed === true}
              >
                修好了
              </View>
              <View
                className={`choice ${fixed === false ? 'choice-on' : ''}`}
                onClick={() => setFixed(false)}
                role="radio"
                aria-checked={fixed === false}
              >
                没修好
              </View>
            </View>
          </View>
        )}
        <View className="section-title">回访结果</View>
        <Textarea
          className="textarea"
          value={outcome}
          maxlength={500}
          placeholder={reached === false ? '例如：无人接听，明天再打' : '住户怎么说'}
          placeholderClass="placeholder"
          onInput={(e) => setOutcome(e.detail.value)}
          aria-label="回访结果"
        />
        {error && (
          <View className="office-danger" role="alert">
            {error}
          </View>
        )}
        <View className="office-sheet-actions">
          <View className="btn office-sheet-btn" onClick={onCancel} role="button">
            返回
          </View>
          <View
            className={`btn btn-primary office-sheet-btn ${busy ? 'btn-disabled' : ''}`}
            onClick={() => !busy && submit()}
            role="button"
          >
            {busy ? '提交中…' : '保存回访'}
          </View>
        </View>
      </View>
    </View>
  );
}

import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import { addDays, chinaDay, ROLE_LABELS, startOfChinaDay, type LeaveView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { CareModeRow } from '../../../components/care-mode-row';
import { ShareLocationRow } from '../../../components/share-location-row';
import { useLoader } from '../../../hooks/use-loader';
import { textOf } from '../../../services/errors';
import { staffApi } from '../../../services/staff-api';
import { storage } from '../../../services/storage';
import './index.scss';

const STARTS = [
  { label: '今天', offset: 0 },
  { label: '明天', offset: 1 },
  { label: '后天', offset: 2 },
] as const;
const LENGTHS = [1, 2, 3, 5] as const;
const REASONS = ['事假', '病假', '年假', '调休'] as const;
const LEAVE_STATUS_TEXT: Record<LeaveView['status'], string> = {
  pending: '待审批',
  approved: '已批准',
  rejected: '已驳回',
};

/** yyyymmdd → 12月3日 */
const dayText = (day: string) => `${Number(day.slice(4, 6))}月${Number(day.slice(6, 8))}日`;
/** An instant → its China day's 12月3日. */
const dateText = (iso: string) => dayText(chinaDay(new Date(iso)));

/** The whole China days [start, start + days) as the request's instants. */
export function leaveWindow(today: string, offset: number, days: number): { startAt: string; endAt: string } {
  const start = addDays(today, offset);
  return {
    startAt: startOfChinaDay(start).toISOString(),
    endAt: startOfChinaDay(addDays(start, days)).toISOString(),
  };
}

/**
 * Settings of staff mode: who is signed in (name, role), care mode, 请假 (technicians and
 * supervisors file their own; a supervisor reviews it), and log out. No houses: that is the
 * resident's page.
 */
export default function StaffSettingsPage() {
  const user = storage.user();
  const mayRequestLeave = user?.role === 'technician' || user?.role === 'supervisor';
  const mine = useLoader(
    () => (mayRequestLeave ? staffApi.leave('pending') : Promise.resolve([] as LeaveView[])),
    [mayRequestLeave],
  );
  const [open, setOpen] = useState(false);
  const [start, setStart] = useState<number | null>(null);
  const [days, setDays] = useState<number | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const logout = async () => {
    const res = await Taro.showModal({ title: '退出登录', content: '确定退出当前账号吗？', confirmText: '退出' });
    if (!res.confirm) return;
    storage.clearSession();
    await Taro.reLaunch({ url: '/pages/login/index' });
  };

  const submit = async () => {
    if (!user || busy) return;
    if (start === null) return setError('请选择从哪天开始');
    if (days === null) return setError('请选择请几天');
    if (!reason) return setError('请选择请假原因');
    setBusy(true);
    setError(null);
    try {
      const window = leaveWindow(chinaDay(new Date()), start, days);
      await staffApi.requestLeave(user.id, { ...window, reason: note.trim() ? `${reason}：${note.trim()}` : reason });
      setOpen(false);
      setStart(null);
      setDays(null);
      setReason(null);
      setNote('');
      setNotice('请假申请已提交，等待主管审批');
      void mine.reload();
    } catch (err) {
      setError(textOf(err));
    } finally {
      setBusy(false);
    }
  };

  const own = (mine.data ?? []).filter((l) => l.userId === user?.id);
  const chip = (on: boolean) => `choice ${on ? 'choice-on' : ''}`;

  return (
    <Screen className="staff-settings">
      {user && (
        <View className="card" aria-label="账号">
          <View className="large">{user.name}</View>
          <View className="muted">{ROLE_LABELS[user.role]}</View>
        </View>
      )}
      {notice && (
        <View className="card" role="status">
          {notice}
        </View>
      )}

      <View className="card">
        <CareModeRow />
        {user?.role === 'technician' && <ShareLocationRow />}
        {mayRequestLeave && (
          <View className="list-item" onClick={() => setOpen(true)} role="button" aria-label="请假">
            <View>
              <View className="large">请假</View>
              <View className="muted">
                {own.length ? `${own.length} 条待审批` : '提交请假申请，主管审批后不再派单给您'}
              </View>
            </View>
            <Text className="arrow">›</Text>
          </View>
        )}
      </View>

      {own.length > 0 && (
        <View className="card" aria-label="我的请假">
          <View className="card-title">我的请假</View>
          {own.map((l) => (
            <View key={l.id} className="row-between">
              <Text>
                {dateText(l.startAt)} 至 {dateText(new Date(new Date(l.endAt).getTime() - 1).toISOString())} ·{' '}
                {l.reason}
              </Text>
              <Text className="pill pill-warn">{LEAVE_STATUS_TEXT[l.status]}</Text>
            </View>
          ))}
        </View>
      )}

      <View className="btn btn-block btn-danger" onClick={() => void logout()} role="button">
        退出登录
      </View>

      {open && (
        <View className="sheet-mask" onClick={() => setOpen(false)}>
          <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="请假申请">
            <View className="title">请假申请</View>
            <View className="section-title">从哪天开始</View>
            <View className="choices">
              {STARTS.map((s) => (
                <View
                  key={s.offset}
                  className={chip(start === s.offset)}
                  onClick={() => setStart(s.offset)}
                  role="radio"
                  aria-checked={start === s.offset}
                >
                  {s.label}
                </View>
              ))}
            </View>
            <View className="section-title">请几天</View>
            <View className="choices">
              {LENGTHS.map((n) => (
                <View
                  key={n}
                  className={chip(days === n)}
                  onClick={() => setDays(n)}
                  role="radio"
                  aria-checked={days === n}
                >
                  {n}天
                </View>
              ))}
            </View>
            <View className="section-title">原因</View>
            <View className="choices">
              {REASONS.map((r) => (
                <View
                  key={r}
                  className={chip(reason === r)}
                  onClick={() => setReason(r)}
                  role="radio"
                  aria-checked={reason === r}
                >
                  {r}
                </View>
              ))}
            </View>
            <Textarea
              className="textarea"
              value={note}
              maxlength={100}
              placeholder="补充说明（选填）"
              placeholderClass="placeholder"
              onInput={(e) => setNote(e.detail.value)}
              aria-label="请假说明"
            />
            {error && (
              <View className="staff-settings-error" role="alert">
                {error}
              </View>
            )}
            <View className="staff-settings-actions">
              <View className="btn staff-settings-btn" onClick={() => setOpen(false)} role="button">
                返回
              </View>
              <View
                className={`btn btn-primary staff-settings-btn ${busy ? 'btn-disabled' : ''}`}
                onClick={() => void submit()}
                role="button"
              >
                {busy ? '提交中…' : '提交申请'}
              </View>
            </View>
          </View>
        </View>
      )}
    </Screen>
  );
}

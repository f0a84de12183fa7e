import { useRef, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { formatTime } from '../../../services/format';
import type { LeaveView } from '@linli/shared';
import { staffApi } from '../../../services/staff-api';
import { storage } from '../../../services/storage';
import { useOfficeGuard } from '../common';

/** 请假审批: pending leave of the supervisor's staff; approve or reject with one tap each. */
export default function LeavePage() {
  const list = useLoader(() => staffApi.leave('pending'), []);
  useOfficeGuard(['supervisor', 'admin'], () => void list.reload());
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const [busy, setBusy] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);
  const me = storage.user()?.id;

  const review = async (l: LeaveView, decision: 'approved' | 'rejected') => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(l.id);
    setNotice(null);
    try {
      await staffApi.reviewLeave(l.id, decision);
      void Taro.showToast({ title: decision === 'approved' ? '已批准' : '已驳回', icon: 'success' });
    } catch (err) {
      setNotice(err instanceof ApiError && err.status === 409 ? '这条请假已被其他人审批' : textOf(err));
    } finally {
      busyRef.current = false;
      setBusy(null);
      void list.reload();
    }
  };

  const items = list.data ?? [];
  return (
    <Screen className="office">
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}
      {!list.data ? (
        <StateView loading={list.loading} error={list.error} onRetry={() => void list.reload()} />
      ) : items.length === 0 ? (
        <StateView empty emptyText="没有待审批的请假" />
      ) : (
        items.map((l) => (
          <View key={l.id} className="card office-item" data-testid="leave-item">
            <View className="row-between">
              <Text className="card-title">{l.userName}</Text>
              <Text className="muted">{formatTime(l.createdAt)} 提交</Text>
            </View>
            <View>
              {formatTime(l.startAt)} 至 {formatTime(l.endAt)}
            </View>
            <View className="muted">原因：{l.reason}</View>
            {l.userId === me ? (
              <View className="muted">本人的请假需由他人审批</View>
            ) : (
              <View className="office-item-actions">
                <View
                  className={`btn btn-danger ${busy ? 'btn-disabled' : ''}`}
                  onClick={() => void review(l, 'rejected')}
                  role="button"
                  aria-label={`驳回 ${l.userName}`}
                >
                  驳回
                </View>
                <View
                  className={`btn btn-primary ${busy ? 'btn-disabled' : ''}`}
                  onClick={() => void review(l, 'approved')}
                  role="button"
                  aria-label={`批准 ${l.userName}`}
                >
                  {busy === l.id ? '提交中…' : '批准'}
                </View>
              </View>
            )}
          </View>
        ))
      )}
    </Screen>
  );
}

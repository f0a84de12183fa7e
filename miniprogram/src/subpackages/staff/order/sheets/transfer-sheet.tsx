import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { ColleagueView } from '@linli/shared';
import { StateView } from '../../../../components/state-view';
import { useLoader } from '../../../../hooks/use-loader';
import { staffApi } from '../../../../services/staff-api';
import { SheetButtons, type SheetProps } from './sheet-buttons';

const TRANSFER_REASONS = ['不在我的技能范围', '手头工单太多', '需要同事协助', '临时有事'];

/** Hand an accepted or assigned order to a colleague serving the same community, with a reason. */
export function TransferSheet({
  communityId,
  exclude,
  busy,
  onCancel,
  onConfirm,
}: SheetProps<[number, string]> & {
  communityId: number;
  /** A complaint's subject: never offered. */
  exclude?: number | null;
}) {
  const colleagues = useLoader(() => staffApi.colleagues(), []);
  const [picked, setPicked] = useState<number | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const list = (colleagues.data ?? []).filter((c) => c.communityIds.includes(communityId) && c.id !== exclude);
  const state = (c: ColleagueView) =>
    c.onLeave ? '请假中' : !c.onShift ? '不在班' : `在办 ${c.openOrders}/${c.capacity}`;
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="转单">
        <View className="title">转给同事</View>
        {!colleagues.data ? (
          <StateView loading={colleagues.loading} error={colleagues.error} onRetry={() => void colleagues.reload()} />
        ) : list.length === 0 ? (
          <View className="muted">本小区没有可以转给的同事</View>
        ) : (
          list.map((c) => (
            <View
              key={c.id}
              className={`staff-option row-between ${picked === c.id ? 'staff-option-on' : ''}`}
              onClick={() => setPicked(c.id)}
              role="radio"
              aria-checked={picked === c.id}
              aria-label={c.name}
            >
              <Text>{c.name}</Text>
              <Text className={c.onLeave || !c.onShift ? 'staff-error' : 'muted'}>{state(c)}</Text>
            </View>
          ))
        )}
        <View className="section-title">转单原因</View>
        {TRANSFER_REASONS.map((r) => (
          <View
            key={r}
            className={`staff-option ${reason === r ? 'staff-option-on' : ''}`}
            onClick={() => setReason(r)}
            role="radio"
            aria-checked={reason === r}
          >
            {r}
          </View>
        ))}
        <SheetButtons
          busy={busy}
          ready={picked !== null && !!reason}
          confirmText="确认转单"
          onCancel={onCancel}
          onConfirm={() => onConfirm(picked!, reason!)}
        />
      </View>
    </View>
  );
}

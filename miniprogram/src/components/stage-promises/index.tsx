import { Text, View } from '@tarojs/components';
import {
  arrivalText,
  chinaTimeText,
  PROMISE_STAGE_LABELS,
  PROMISE_STATE_LABELS,
  type ArrivalView,
  type PromiseState,
  type SlaStage,
  type StagePromiseView,
} from '@linli/shared';
import './index.scss';

/** What each stage promises, in words: 承诺 10:35 前接单. */
const PROMISE_VERBS: Record<SlaStage, string> = { accept: '接单', arrive: '上门', resolve: '完成' };

const TONES: Record<PromiseState, string> = {
  pending: 'muted',
  paused: 'muted',
  kept: 'ok',
  late: 'warn',
  overdue: 'danger',
};

/**
 * A promise's state as of `now`: one still pending whose time has passed is overdue, without
 * waiting for the next read (the page's clock ticks; the server said pending a moment ago).
 */
export function promiseStateAt(p: StagePromiseView, now: number): PromiseState {
  if (p.state === 'pending' && p.promisedAt !== null && Date.parse(p.promisedAt) < now) return 'overdue';
  return p.state;
}

/** The predicted arrival, as the technician card shows it: 预计 11:05 前上门 and why. */
export function ArrivalLine({ arrival, now }: { arrival: ArrivalView; now: number }) {
  return (
    <View className="arrival" role="status">
      <Text className="arrival-time">{arrivalText(arrival, now)}</Text>
      <Text className="muted arrival-basis">{arrival.basis}</Text>
    </View>
  );
}

/**
 * The order's promise per stage (接单, 上门, 完成): the promised time, and once the stage is done
 * whether it was kept (按时 / 超时, with the actual time). While the visit is ahead, the 上门 row
 * also says when the technician is expected. Times are fixed: nothing counts down or resets.
 */
export function StagePromises({
  promises,
  arrival,
  now,
}: {
  promises: readonly StagePromiseView[];
  arrival: ArrivalView | null | undefined;
  now: number;
}) {
  if (!promises.length) return null;
  return (
    <View className="card promises" aria-label="服务承诺">
      <View className="card-title">服务承诺</View>
      {promises.map((p) => {
        const state = promiseStateAt(p, now);
        const verb = PROMISE_VERBS[p.stage];
        return (
          <View key={p.stage} className={`promise promise-${state}`}>
            <Text className="promise-stage">{PROMISE_STAGE_LABELS[p.stage]}</Text>
            <View className="promise-body">
              {p.promisedAt && (
                <Text className="promise-time">
                  {p.basis === 'appointment' ? '约定' : '承诺'} {chinaTimeText(p.promisedAt, now)} 前{verb}
                </Text>
              )}
              {p.doneAt && <Text className="muted">实际 {chinaTimeText(p.doneAt, now)}</Text>}
              {p.stage === 'arrive' && !p.doneAt && arrival && (
                <Text className="promise-eta">{arrivalText(arrival, now, true)}</Text>
              )}
              {state === 'paused' && <Text className="muted">暂停期间不计时</Text>}
            </View>
            {state !== 'pending' && (
              <Text className={`pill pill-${TONES[state]} promise-state`}>{PROMISE_STATE_LABELS[state]}</Text>
            )}
          </View>
        );
      })}
    </View>
  );
}

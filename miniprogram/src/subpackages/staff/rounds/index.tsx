import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatChinaDateTime, type InspectionRoundView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { requireLogin } from '../../../hooks/use-session';
import { inspectionsApi, roundQueue } from '../../../services/inspections-api';
import { ROUND_STATUS_TEXT, roundTone } from '../round/labels';
import './index.scss';

/** The technician's rounds: their teams' open rounds and today's done ones. */
export default function RoundsPage() {
  const rounds = useLoader(() => inspectionsApi.myRounds(), []);
  useDidShow(() => {
    if (!requireLogin()) return;
    void rounds.reload();
  });
  usePullDownRefresh(() => {
    void rounds.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const items = rounds.data ?? [];
  return (
    <Screen className="rounds">
      <Text className="title">巡检任务</Text>
      {!rounds.data ? (
        <StateView loading={rounds.loading} error={rounds.error} onRetry={() => void rounds.reload()} />
      ) : items.length === 0 ? (
        <StateView empty emptyText="暂时没有巡检任务" />
      ) : (
        items.map((r: InspectionRoundView) => {
          const queued = roundQueue.pending(r.id).length;
          return (
            <View
              key={r.id}
              className="card rounds-item"
              data-testid="round-item"
              role="button"
              aria-label={`巡检 ${r.planName}`}
              onClick={() => void Taro.navigateTo({ url: `/subpackages/staff/round/index?id=${r.id}` })}
            >
              <View className="row-between">
                <Text className="card-title">{r.planName}</Text>
                <Text className={`pill pill-${roundTone(r)}`}>
                  {ROUND_STATUS_TEXT[r.status]}
                  {r.late && r.status !== 'missed' ? '（超时）' : ''}
                </Text>
              </View>
              <View className="muted">
                {r.communityName} · {formatChinaDateTime(new Date(r.windowStart))}-
                {formatChinaDateTime(new Date(r.windowEnd)).slice(11)}
              </View>
              <View className="row-between">
                <Text>
                  已完成 {r.pointsDone}/{r.pointsTotal} 个点位{r.abnormal ? `，异常 ${r.abnormal} 项` : ''}
                </Text>
                {queued > 0 && <Text className="rounds-queued">待同步 {queued} 条</Text>}
              </View>
            </View>
          );
        })
      )}
    </Screen>
  );
}

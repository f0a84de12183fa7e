import { useRef, useState } from 'react';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { GRADE_LABELS, type GradeName, type RematchApplyView, type RematchMoveView } from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { textOf } from '../../../services/errors';
import { categoryName } from '../../../services/format';
import { staffApi } from '../../../services/staff-api';
import { PriorityMark } from '../../staff/priority-mark';
import { useOfficeGuard } from '../common';

const WHY: Record<RematchMoveView['why'], string> = {
  urgency: '待派单，按紧急程度优先',
  better_fit: '新师傅更合适',
  frees_slot: '腾出名额给更急的工单',
};

const OUTCOMES: Record<RematchApplyView['results'][number]['outcome'], string> = {
  applied: '已改派',
  stale: '工单已变化，已跳过',
  ineligible: '师傅已不符合条件，已跳过',
  not_found: '工单不在你的范围',
};

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}`);

/** The two grades that weigh most for the proposed technician, as 技能 100 · 负载 80. */
function gradesText(grades: Record<string, number>): string {
  return Object.entries(grades)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, g]) => `${GRADE_LABELS[k as GradeName] ?? k} ${pct(g)}`)
    .join(' · ');
}

/**
 * 重新匹配 (supervisor, admin): what the min-cost re-match would do with the waiting backlog
 * of the supervisor's communities now (who moves where, why, the cost saved); tick the moves
 * to apply (应用所选) or apply them all (全部应用). Each move is an ordinary 改派, audited; a
 * move whose order changed since the preview is skipped and said so.
 */
export default function RematchPage() {
  const preview = useLoader(() => staffApi.rematchPreview(), []);
  useOfficeGuard(['supervisor', 'admin'], () => void preview.reload());
  usePullDownRefresh(() => {
    void preview.reload().finally(() => Taro.stopPullDownRefresh());
  });
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RematchApplyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);
  const p = preview.data;
  const moves = p?.moves ?? [];

  const toggle = (id: number) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const apply = async (which: readonly RematchMoveView[]) => {
    if (busyRef.current || which.length === 0) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      const res = await staffApi.rematchApply(
        which.map((m) => ({ workOrderId: m.workOrderId, technicianId: m.to.id, version: m.version })),
      );
      setResult(res);
      setChosen(new Set());
      void Taro.showToast({ title: `已改派 ${res.applied} 单`, icon: 'success' });
    } catch (err) {
      setError(textOf(err));
    } finally {
      busyRef.current = false;
      setBusy(false);
      void preview.reload();
    }
  };

  const byId = new Map(moves.map((m) => [m.workOrderId, m]));
  return (
    <Screen className="office">
      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}
      {result && (
        <View className="card" role="status" aria-label="应用结果" data-testid="rematch-result">
          <View className="card-title">
            已改派 {result.applied} 单{result.skipped > 0 ? `，跳过 ${result.skipped} 单` : ''}
          </View>
          {result.results
            .filter((r) => r.outcome !== 'applied')
            .map((r) => (
              <View key={r.workOrderId} className="muted">
                工单 #{r.workOrderId}：{OUTCOMES[r.outcome]}
              </View>
            ))}
        </View>
      )}
      {!p ? (
        <StateView loading={preview.loading} error={preview.error} onRetry={() => void preview.reload()} />
      ) : (
        <View>
          <View className="card" aria-label="匹配概况">
            <View>
              待派及未接单工单 {p.backlog} 单 · 有空位的师傅 {p.technicians} 人
            </View>
            <View className="muted" data-testid="rematch-saved">
              建议改派 {moves.length} 单，匹配代价 {p.currentCost.toFixed(1)} → {p.proposedCost.toFixed(1)}
              （节省 {p.costSaved.toFixed(1)}）
            </View>
          </View>
          {moves.length === 0 ? (
            <StateView empty emptyText="当前分配已是最优，无需改派" />
          ) : (
            moves.map((m) => (
              <View
                key={m.workOrderId}
                className={`card office-item office-option ${chosen.has(m.workOrderId) ? 'office-option-on' : ''}`}
                onClick={() => toggle(m.workOrderId)}
                role="checkbox"
                aria-checked={chosen.has(m.workOrderId)}
                aria-label={`改派 ${m.no}`}
                data-testid="rematch-move"
              >
                <View className="row-between">
                  <View className="row">
                    <Text className="office-check">{chosen.has(m.workOrderId) ? '☑' : '☐'}</Text>
                    <PriorityMark priority={m.priority} />
                    <Text className="card-title">
                      {categoryName(m.category)} · {m.location}
                    </Text>
                  </View>
                  <Text className="muted">{m.no}</Text>
                </View>
                <View>
                  {m.from ? `${m.from.name}（${pct(m.from.score)}分）` : '未派人'} → {m.to.name}（{pct(m.to.score)}
                  分）
                </View>
                <View className="muted">
                  {WHY[m.why]} · 已等 {m.waitedHours} 小时 · {gradesText(m.grades)}
                </View>
              </View>
            ))
          )}
          {moves.length > 0 && (
            <View className="office-sheet-actions">
              <View
                className={`btn office-sheet-btn ${busy || chosen.size === 0 ? 'btn-disabled' : ''}`}
                onClick={() =>
                  void apply([...chosen].map((id) => byId.get(id)).filter((m): m is RematchMoveView => !!m))
                }
                role="button"
                aria-disabled={busy || chosen.size === 0}
              >
                应用所选{chosen.size > 0 ? `（${chosen.size}）` : ''}
              </View>
              <View
                className={`btn btn-primary office-sheet-btn ${busy ? 'btn-disabled' : ''}`}
                onClick={() => void apply(moves)}
                role="button"
                aria-disabled={busy}
              >
                {busy ? '提交中…' : '全部应用'}
              </View>
            </View>
          )}
        </View>
      )}
    </Screen>
  );
}

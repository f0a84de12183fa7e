/**
 * The dashboard's tooltip texts. ECharts puts a formatter's string into the page as HTML, so every
 * value goes through `markup` (escaped); only the literal <br/> is markup. Kept free of React and of
 * the chart runtime so that a test can call them directly (tooltips.spec.ts).
 */
import {
  SLA_STAGE_LABELS,
  type BreakdownView,
  type DriversView,
  type HotspotsView,
  type SummaryView,
} from '@linli/shared';
import { markup } from '../../components/html';
import { count, minutes, num, pct, points } from '../../components/format';

type BreakdownRow = BreakdownView['rows'][number];
type Stage = keyof SummaryView['durations'];

export function trendTip(r: BreakdownRow | undefined): string {
  if (!r) return '';
  const iv = r.indexInterval ? `（${points(r.indexInterval.low)}–${points(r.indexInterval.high)}）` : '';
  return markup`${r.label}<br/>满意度指数 ${points(r.index)}${iv}<br/>满意率 ${pct(r.csat.value)}，评价 ${r.counts.rated} 条，有效样本 ${count(r.effectiveN)}`;
}

export function slaTip(x: ({ st: Stage } & SummaryView['sla'][Stage]) | undefined): string {
  return x ? markup`${SLA_STAGE_LABELS[x.st]}：${pct(x.compliance)}（${x.met} / ${x.total}）` : '';
}

export function durationTip(x: ({ st: Stage } & SummaryView['durations'][Stage]) | undefined): string {
  return x
    ? markup`报修到${SLA_STAGE_LABELS[x.st]}（n = ${x.n}）<br/>中位数 ${minutes(x.medianMinutes)}<br/>90 分位 ${minutes(x.p90Minutes)}` +
        // Large slices read the duration sketches: say the numbers are estimates, and how close.
        (x.relativeError ? markup`<br/>估算值，相对误差不超过 ${pct(x.relativeError, 0)}` : '')
    : '';
}

export function driverTip(d: DriversView['drivers'][number] | undefined): string {
  return d
    ? markup`${d.label}（n = ${d.n}）<br/>影响度 ${num(d.impact, 3)}<br/>均分 ${num(d.mean, 2)} 星<br/>相关系数 ${num(d.correlation, 3)}<br/>回归系数 β ${num(d.beta, 3)}`
    : '';
}

export function categoryTip(r: BreakdownRow | undefined): string {
  if (!r) return '';
  const civ = r.csat.interval ? `（${pct(r.csat.interval.low)}–${pct(r.csat.interval.high)}）` : '';
  return markup`${r.label}<br/>满意度指数 ${points(r.index)}<br/>满意率 ${pct(r.csat.value)}${civ}<br/>评价 ${r.counts.rated} 条，新建 ${r.counts.created} 单`;
}

export function hotspotTip(r: HotspotsView['rows'][number] | undefined): string {
  if (!r) return '';
  const change =
    r.trend.changePct === null ? '' : `（${r.trend.changePct > 0 ? '+' : ''}${r.trend.changePct.toFixed(0)}%）`;
  const delta = `${r.trend.change > 0 ? '+' : ''}${r.trend.change}`;
  return markup`${r.buildingName} · ${r.categoryName}<br/>本期 ${r.trend.current} 单，上期 ${r.trend.previous} 单，变化 ${delta}${change}<br/>投诉 ${r.complaints}，重复报修 ${r.repeats}`;
}

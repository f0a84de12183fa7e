import {
  OPEN_STATUSES,
  PRIORITY_LABELS,
  SLA_STAGE_LABELS,
  STATUS_LABELS,
  staleNote,
  type BreakdownView,
  type DriversView,
  type HotspotsView,
  type SummaryView,
  type WorkOrderView,
} from '@linli/shared';
import { Alert, Card, Col, DatePicker, Row, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import dayjs, { type Dayjs } from 'dayjs';
import { useState, type HTMLAttributes, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useRequest, type RequestState } from '../../api/useRequest';
import { Chart, type ChartProps } from '../../components/Chart';
import { Defined } from '../../components/Definition';
import { Metric } from '../../components/Metric';
import { count, dateTime, minutes, num, pct, points, timeLeft } from '../../components/format';
import { DEFINITIONS as D } from './definitions';
import { HotspotMaintenance } from './HotspotMaintenance';
import { useCurrentUser } from '../../auth/session';
import { LatestSurveyPeriods } from '../surveys/periodic';
import { categoryTip, driverTip, durationTip, hotspotTip, slaTip, trendTip } from './tooltips';

const DAY = 'YYYY-MM-DD';
const STAGES = ['accept', 'arrive', 'resolve'] as const;

type Range = [Dayjs, Dayjs];

const PRESETS: Array<{ label: string; value: Range }> = [
  { label: '近 30 天', value: [dayjs().subtract(29, 'day'), dayjs()] },
  { label: '近 90 天', value: [dayjs().subtract(89, 'day'), dayjs()] },
  { label: '本月', value: [dayjs().startOf('month'), dayjs()] },
  {
    label: '上月',
    value: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
  },
  { label: '今年', value: [dayjs().startOf('year'), dayjs()] },
];

/** A headline figure of the summary row. */
interface MetricSpec {
  name: string;
  title: string;
  definition: ReactNode;
  value: (s: SummaryView) => number | null;
  format: (v: number | null) => string;
  extra: (s: SummaryView) => ReactNode;
}

const METRICS: MetricSpec[] = [
  {
    name: 'index',
    title: '满意度指数',
    definition: D.index,
    value: (s) => s.index.value,
    format: (v) => points(v),
    extra: (s) =>
      s.index.interval
        ? `区间 ${points(s.index.interval.low)}–${points(s.index.interval.high)}，有效样本 ${count(s.index.effectiveN)}`
        : `有效样本 ${count(s.index.effectiveN)}`,
  },
  {
    name: 'csat',
    title: '满意率（CSAT）',
    definition: D.csat,
    value: (s) => s.csat.value,
    format: (v) => pct(v),
    extra: (s) =>
      s.csat.interval
        ? `置信区间 ${pct(s.csat.interval.low)}–${pct(s.csat.interval.high)}（${s.counts.satisfied}/${s.counts.rated}）`
        : '暂无评价',
  },
  {
    name: 'response-rate',
    title: '评价率',
    definition: D.responseRate,
    value: (s) => s.responseRate,
    format: (v) => pct(v),
    extra: (s) => `${s.counts.rated} / ${s.counts.completed} 已完工`,
  },
  {
    name: 'sla-overall',
    title: '时效达标率（SLA）',
    definition: D.slaOverall,
    value: (s) => s.sla.overall.compliance,
    format: (v) => pct(v),
    extra: (s) => `${s.sla.overall.met} / ${s.sla.overall.total} 计时`,
  },
  {
    name: 'first-time-fix-rate',
    title: '首次修复率',
    definition: D.firstTimeFixRate,
    value: (s) => s.firstTimeFixRate,
    format: (v) => pct(v),
    extra: (s) => `${s.counts.firstTimeFixed} / ${s.counts.completed}`,
  },
  {
    name: 'repeat-rate',
    title: '重复报修率',
    definition: D.repeatRate,
    value: (s) => s.repeatRate,
    format: (v) => pct(v),
    extra: (s) => `${s.counts.repeats} / ${s.counts.created} 新建`,
  },
  {
    name: 'reopen-rate',
    title: '返修率',
    definition: D.reopenRate,
    value: (s) => s.reopenRate,
    format: (v) => pct(v),
    extra: (s) => `${s.counts.reopened} / ${s.counts.completed}`,
  },
  {
    name: 'complaints-per-1000',
    title: '每千户投诉',
    definition: D.complaints,
    value: (s) => s.complaintsPer1000Households,
    format: (v) => num(v, 1),
    extra: (s) => `投诉 ${s.counts.complaints} 单，${s.households ?? '—'} 户；回访覆盖 ${pct(s.followUpCoverage)}`,
  },
];

/** What a chart card draws; the page adds the request's loading and error. */
type ChartSpec = Omit<ChartProps, 'loading' | 'error'>;

const INDEX_LEGEND = { data: ['满意度指数', '满意率（CSAT）×100'], top: 0 };

/** An axis tooltip whose text comes from the index of the hovered category. */
function axisTooltip(text: (i: number) => string): EChartsOption['tooltip'] {
  return {
    trigger: 'axis',
    formatter: (params) => text((Array.isArray(params) ? params[0] : params).dataIndex ?? 0),
  };
}

/** A 0..1 proportion on a 0..100 axis. */
const hundredths = (v: number | null) => (v === null ? null : v * 100);

function trendChart(view: BreakdownView | undefined): ChartSpec {
  const rows = view?.rows ?? [];
  const labels = rows.map((r) => r.label);
  const low = rows.map((r) => r.indexInterval?.low ?? r.index);
  const band = rows.map((r, i) => (r.indexInterval?.high ?? r.index) - low[i]);
  const option: EChartsOption = {
    grid: { left: 40, right: 16, top: 30, bottom: 24 },
    legend: INDEX_LEGEND,
    tooltip: axisTooltip((i) => trendTip(rows[i])),
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { name: '区间下限', type: 'line', data: low, stack: 'band', lineStyle: { opacity: 0 }, symbol: 'none' },
      {
        name: '95% 区间',
        type: 'line',
        data: band,
        stack: 'band',
        lineStyle: { opacity: 0 },
        symbol: 'none',
        areaStyle: { color: 'rgba(22,119,255,0.15)' },
      },
      { name: '满意度指数', type: 'line', data: rows.map((r) => r.index), itemStyle: { color: '#1677ff' } },
      {
        name: '满意率（CSAT）×100',
        type: 'line',
        data: rows.map((r) => hundredths(r.csat.value)),
        lineStyle: { type: 'dashed' },
        itemStyle: { color: '#52c41a' },
      },
    ],
  };
  return {
    name: 'index-trend',
    title: '满意度指数趋势（按月）',
    definition: D.trend,
    option,
    points: rows.map((r) => r.index),
  };
}

function slaChart(summary: SummaryView | undefined): ChartSpec {
  const stages = summary ? STAGES.map((st) => ({ st, ...summary.sla[st] })) : [];
  const option: EChartsOption = {
    grid: { left: 48, right: 16, top: 16, bottom: 24 },
    tooltip: axisTooltip((i) => slaTip(stages[i])),
    xAxis: { type: 'category', data: stages.map((x) => SLA_STAGE_LABELS[x.st]) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        type: 'bar',
        barWidth: 40,
        data: stages.map((x) => hundredths(x.compliance)),
        label: { show: true, position: 'top', formatter: (p) => `${Number(p.value).toFixed(1)}%` },
      },
    ],
  };
  return {
    name: 'sla',
    title: '各阶段时效达标率（SLA）',
    definition: D.sla,
    option,
    points: stages.filter((x) => x.total > 0).map((x) => x.compliance),
  };
}

function durationsChart(summary: SummaryView | undefined): ChartSpec {
  const stages = summary ? STAGES.map((st) => ({ st, ...summary.durations[st] })) : [];
  const hours = (m: number | null) => (m === null ? null : Math.round((m / 60) * 100) / 100);
  const option: EChartsOption = {
    grid: { left: 48, right: 16, top: 30, bottom: 24 },
    legend: { data: ['中位数', '90 分位（P90）'], top: 0 },
    tooltip: axisTooltip((i) => durationTip(stages[i])),
    xAxis: { type: 'category', data: stages.map((x) => `到${SLA_STAGE_LABELS[x.st]}`) },
    yAxis: { type: 'value', name: '小时' },
    series: [
      { name: '中位数', type: 'bar', data: stages.map((x) => hours(x.medianMinutes)) },
      { name: '90 分位（P90）', type: 'bar', data: stages.map((x) => hours(x.p90Minutes)) },
    ],
  };
  return {
    name: 'durations',
    title: '处理时长（中位数与 90 分位）',
    definition: D.durations,
    option,
    points: stages.filter((x) => x.n > 0).flatMap((x) => [x.medianMinutes, x.p90Minutes]),
  };
}

function driversChart(view: DriversView | undefined): ChartSpec {
  const rows = (view?.drivers ?? []).filter((d) => d.impact !== null);
  const option: EChartsOption = {
    grid: { left: 72, right: 24, top: 16, bottom: 24 },
    tooltip: axisTooltip((i) => driverTip(rows[i])),
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: rows.map((d) => d.label), inverse: true },
    series: [{ type: 'bar', data: rows.map((d) => d.impact), itemStyle: { color: '#fa8c16' } }],
  };
  return {
    name: 'drivers',
    title: `关键驱动因素${view ? `（${view.ratings} 条评价）` : ''}`,
    definition: D.drivers,
    option,
    points: rows.map((d) => d.impact),
  };
}

function categoryChart(view: BreakdownView | undefined): ChartSpec {
  const rows = view?.rows ?? [];
  const option: EChartsOption = {
    grid: { left: 40, right: 16, top: 30, bottom: 40 },
    legend: INDEX_LEGEND,
    tooltip: axisTooltip((i) => categoryTip(rows[i])),
    xAxis: {
      type: 'category',
      data: rows.map((r) => r.label),
      axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { name: '满意度指数', type: 'bar', data: rows.map((r) => r.index) },
      {
        name: '满意率（CSAT）×100',
        type: 'scatter',
        data: rows.map((r) => hundredths(r.csat.value)),
        itemStyle: { color: '#52c41a' },
      },
    ],
  };
  return {
    name: 'categories',
    title: '各类别满意度',
    definition: D.categories,
    option,
    points: rows.map((r) => r.index),
  };
}

function hotspotChart(view: HotspotsView | undefined): ChartSpec {
  const rows = view?.rows ?? [];
  const buildings = [...new Map(rows.map((r) => [r.buildingId, r.buildingName])).entries()];
  const categories = [...new Map(rows.map((r) => [r.category, r.categoryName])).entries()];
  const bi = new Map(buildings.map(([id], i) => [id, i]));
  const ci = new Map(categories.map(([code], i) => [code, i]));
  const cells = rows.map((r) => [bi.get(r.buildingId)!, ci.get(r.category)!, r.trend.current]);
  const max = Math.max(1, ...rows.map((r) => r.trend.current));
  const option: EChartsOption = {
    grid: { left: 72, right: 16, top: 10, bottom: 96 },
    tooltip: { formatter: (p) => hotspotTip(rows[(p as { dataIndex: number }).dataIndex]) },
    xAxis: {
      type: 'category',
      data: buildings.map(([, n]) => n),
      axisLabel: { interval: 0, rotate: 40, fontSize: 10 },
    },
    yAxis: { type: 'category', data: categories.map(([, n]) => n) },
    // The legend: colour = orders created this period, from 0 to the busiest cell.
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      show: true,
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      itemWidth: 10,
      text: [`${max} 单`, '0 单'],
      textStyle: { fontSize: 11 },
      inRange: { color: ['#fff7e6', '#fa541c'] },
    },
    series: [{ type: 'heatmap', data: cells, label: { show: true, fontSize: 10 } }],
  };
  return {
    name: 'hotspots',
    title: '报修热点（类别 × 楼栋）',
    height: 300,
    definition: D.hotspots,
    option,
    points: rows.map((r) => r.trend.current),
    extra: view && (
      <Tooltip title={`悬停格子可见与上期（${view.previous.from} 至 ${view.previous.to}）的对比`}>
        <Typography.Text type="secondary" data-testid="hotspots-period">
          本期 {view.period.from} 至 {view.period.to} 新建工单数
        </Typography.Text>
      </Tooltip>
    ),
  };
}

interface Loadable<T> {
  loading: boolean;
  error: string | null;
  view?: T;
}

/** Satisfaction dashboard of the company or one community over a period. */
export default function DashboardPage() {
  const user = useCurrentUser();
  const [communityId, setCommunityId] = useState<number | null>(null);
  const [range, setRange] = useState<Range>(PRESETS[1].value);
  const from = range[0].format(DAY);
  const to = range[1].format(DAY);
  const slice = { from, to, communityId };
  const deps = [from, to, communityId];

  const communities = useRequest((s) => s.lookups.communities(), []);
  const summary = useRequest((s) => s.scores.summary(slice), deps);
  const months = useRequest((s) => s.scores.breakdown(slice, 'month'), deps);
  const categories = useRequest((s) => s.scores.breakdown(slice, 'category'), deps);
  const technicians = useRequest((s) => s.scores.breakdown(slice, 'technician'), deps);
  const drivers = useRequest((s) => s.scores.drivers(slice), deps);
  const hotspots = useRequest((s) => s.scores.hotspots(slice, 200), deps);
  const atRisk = useRequest(
    (s) =>
      s.orders.list({
        status: OPEN_STATUSES,
        atRisk: 50,
        sort: 'sla',
        communityId,
        pageSize: 10,
      }),
    [communityId],
  );

  const s = summary.data;
  const charts: Array<[span: number, spec: ChartSpec, state: RequestState<unknown>]> = [
    [14, trendChart(months.data), months],
    [10, slaChart(s), summary],
    [12, durationsChart(s), summary],
    [12, driversChart(drivers.data), drivers],
    [12, categoryChart(categories.data), categories],
    [12, hotspotChart(hotspots.data), hotspots],
  ];
  const communityName = (id: number | null) =>
    id === null ? '' : (communities.data?.find((c) => c.id === id)?.name ?? `#${id}`);

  return (
    <div data-testid="dashboard" data-from={from} data-to={to} data-community={communityId ?? ''}>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <span>范围</span>
          <Select<number | null>
            data-testid="dashboard-community"
            style={{ width: 200 }}
            value={communityId}
            onChange={setCommunityId}
            options={[
              { value: null, label: '全公司' },
              ...(communities.data ?? []).map((c) => ({ value: c.id, label: c.name })),
            ]}
          />
          <span>周期</span>
          <DatePicker.RangePicker
            data-testid="dashboard-period"
            value={range}
            allowClear={false}
            presets={PRESETS}
            disabledDate={(d) => d.isAfter(dayjs(), 'day')}
            onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
          />
          {s && (
            <Typography.Text type="secondary">
              {s.period.from} 至 {s.period.to}，新建 {s.counts.created} 单，完工 {s.counts.completed} 单，评价{' '}
              {s.counts.rated} 条
            </Typography.Text>
          )}
          {staleNote(s?.freshness) && (
            <Typography.Text type="warning" data-testid="dashboard-stale">
              {staleNote(s?.freshness)}
            </Typography.Text>
          )}
        </Space>
      </Card>
      {summary.error && <Alert type="error" showIcon title={summary.error} style={{ marginBottom: 12 }} />}

      <Row gutter={[12, 12]}>
        {METRICS.map((m) => (
          <Col key={m.name} span={6}>
            <Metric
              name={m.name}
              title={m.title}
              definition={m.definition}
              value={s ? (m.value(s) ?? null) : null}
              format={m.format}
              extra={s && m.extra(s)}
            />
          </Col>
        ))}
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        {charts.map(([span, spec, state]) => (
          <Col key={spec.name} span={span}>
            <Chart {...spec} loading={state.loading} error={state.error} />
          </Col>
        ))}
        <Col span={24}>
          <HotspotMaintenance view={hotspots.data} communityId={communityId} />
        </Col>
        <Col span={24}>
          <TechnicianTable view={technicians.data} loading={technicians.loading} error={technicians.error} />
        </Col>
        {(user.role === 'admin' || user.role === 'supervisor') && (
          <Col span={24}>
            <LatestSurveyPeriods communityId={communityId} />
          </Col>
        )}
        <Col span={24}>
          <Card size="small" title={<Defined title="超时风险工单" definition={D.atRisk} />}>
            {atRisk.error && <Alert type="error" showIcon title={atRisk.error} />}
            <Table<WorkOrderView>
              data-testid="table-at-risk"
              size="small"
              rowKey="id"
              loading={atRisk.loading}
              pagination={false}
              dataSource={atRisk.data?.items ?? []}
              locale={{ emptyText: '暂无超时风险工单' }}
              columns={[
                {
                  title: '工单号',
                  dataIndex: 'no',
                  width: 160,
                  render: (no: string, o) => <Link to={`/work-orders/${o.id}`}>{no}</Link>,
                },
                { title: '小区', dataIndex: 'communityId', render: (id: number) => communityName(id) },
                { title: '位置', dataIndex: 'location', ellipsis: true },
                { title: '状态', dataIndex: 'status', render: (st: WorkOrderView['status']) => STATUS_LABELS[st] },
                {
                  title: '优先级',
                  dataIndex: 'priority',
                  render: (p: WorkOrderView['priority']) => PRIORITY_LABELS[p],
                },
                { title: '处理人', dataIndex: ['assignee', 'name'], render: (n?: string) => n ?? '未派单' },
                { title: '时效截止', dataIndex: 'slaDueAt', render: (d: string | null) => dateTime(d) },
                {
                  title: '剩余',
                  dataIndex: 'slaDueAt',
                  key: 'left',
                  render: (d: string | null) => (
                    <Tag color={d && new Date(d).getTime() < Date.now() ? 'red' : 'orange'}>{timeLeft(d)}</Tag>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

function TechnicianTable({ view, loading, error }: Loadable<BreakdownView>) {
  return (
    <Card size="small" title={<Defined title="师傅排名" definition={D.technicians} />}>
      {error && <Alert type="error" showIcon title={error} />}
      <Table
        data-testid="table-technicians"
        size="small"
        rowKey="key"
        loading={loading}
        dataSource={view?.rows ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        onRow={(r) => ({ 'data-testid': `technician-${r.key}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: '排名',
            dataIndex: 'rank',
            width: 90,
            render: (rank: number | null | undefined, r) =>
              r.enoughData ? (
                <span data-testid="technician-rank" data-value={String(rank)}>
                  {rank}
                </span>
              ) : (
                <Tooltip title="有效样本不足 10 条评价，不参与排名">
                  <Tag data-testid="technician-rank" data-value="null">
                    数据不足
                  </Tag>
                </Tooltip>
              ),
          },
          { title: '师傅', dataIndex: 'label' },
          {
            title: '满意度指数',
            dataIndex: 'index',
            render: (v: number, r) => (
              <span data-testid="technician-index" data-value={String(v)}>
                {points(v)}
                {r.indexInterval && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    （{points(r.indexInterval.low)}–{points(r.indexInterval.high)}）
                  </Typography.Text>
                )}
              </span>
            ),
          },
          { title: '有效样本', dataIndex: 'effectiveN', render: (v: number) => count(v) },
          { title: '实际得分', key: 'actual', render: (_, r) => points(r.fair?.actual) },
          { title: '同类期望', key: 'expected', render: (_, r) => points(r.fair?.expected) },
          {
            title: '差值',
            key: 'delta',
            render: (_, r) => {
              const d = r.fair?.delta;
              if (d === null || d === undefined) return '—';
              return (
                <span style={{ color: d >= 0 ? '#389e0d' : '#cf1322' }}>{`${d >= 0 ? '+' : ''}${d.toFixed(1)}`}</span>
              );
            },
          },
          {
            title: <Defined title="满意率（CSAT）" definition={D.csat} />,
            key: 'csat',
            render: (_, r) => pct(r.csat.value),
          },
          { title: '完工', key: 'completed', render: (_, r) => r.counts.completed },
          { title: '首次修复率', key: 'ftf', render: (_, r) => pct(r.firstTimeFixRate) },
          { title: '接单中位数', key: 'accept', render: (_, r) => minutes(r.durations.accept.medianMinutes) },
        ]}
      />
    </Card>
  );
}

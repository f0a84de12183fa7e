import { Card, Empty, Spin } from 'antd';
import type { EChartsOption } from 'echarts';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import type { ReactNode } from 'react';
import { Defined } from './Definition';

// Only what the console draws: keeps the bundle a third of the full ECharts build.
echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export interface ChartProps {
  /** data-testid="chart-<name>" */
  name: string;
  title: string;
  definition: ReactNode;
  option: EChartsOption;
  /** The raw API numbers the chart plots (kept in data-points as JSON for tests). */
  points: unknown[];
  height?: number;
  loading?: boolean;
  error?: string | null;
  extra?: ReactNode;
}

/** An ECharts chart in a card whose title explains it; empty data shows "暂无数据". */
export function Chart({ name, title, definition, option, points, height = 260, loading, error, extra }: ChartProps) {
  return (
    <Card
      size="small"
      title={<Defined title={title} definition={definition} />}
      extra={extra}
      style={{ height: '100%' }}
    >
      <Spin spinning={!!loading}>
        <div data-testid={`chart-${name}`} data-points={JSON.stringify(points)} style={{ height }}>
          {error ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={error} />
          ) : points.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无数据" />
          ) : (
            <ReactEChartsCore echarts={echarts} option={option} style={{ height, width: '100%' }} notMerge lazyUpdate />
          )}
        </div>
      </Spin>
    </Card>
  );
}

import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Defined } from './Definition';

export interface MetricProps {
  /** data-testid="metric-<name>" */
  name: string;
  title: string;
  definition: ReactNode;
  /** The raw API number (kept in data-value for tests). */
  value: number | null;
  format: (v: number | null) => string;
  /** A second line: interval, counts. */
  extra?: ReactNode;
}

/** A headline figure: formatted value, its definition on hover, the raw API value in data-value. */
export function Metric({ name, title, definition, value, format, extra }: MetricProps) {
  return (
    <Card size="small" styles={{ body: { padding: '10px 14px' } }} style={{ height: '100%' }}>
      <div style={{ color: '#595959', fontSize: 13 }}>
        <Defined title={title} definition={definition} />
      </div>
      <div
        data-testid={`metric-${name}`}
        data-value={value === null ? 'null' : String(value)}
        style={{ fontSize: 24, fontWeight: 600, lineHeight: '34px' }}
      >
        {format(value)}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {extra ?? '\u00a0'}
      </Typography.Text>
    </Card>
  );
}

import type { Priority } from '@linli/shared';
import { Alert, Button, Card, Form, Select } from 'antd';
import { useState, type ReactNode } from 'react';
import { errorText } from '../../api/client';
import type { ScopeQuery } from '../../api/services';
import { PRIORITY_OPTIONS, type ScopeOptions } from './options';

/**
 * Ask the server what applies to a new order of a community, category and priority (the rule
 * it would be routed by, the SLA targets it would be measured against) and show the answer.
 */
export function ScopePreview<R>(props: {
  title: string;
  scope: ScopeOptions;
  load: (q: ScopeQuery) => Promise<R>;
  children: (result: R) => ReactNode;
}) {
  const { scope } = props;
  const [query, setQuery] = useState<ScopeQuery>({ priority: 'P3' });
  const [result, setResult] = useState<{ value: R } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setError(null);
    setResult(null);
    try {
      setResult({ value: await props.load(query) });
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <Card size="small" title={props.title}>
      <Form layout="inline" style={{ rowGap: 8 }}>
        <Form.Item label="小区">
          <Select
            style={{ width: 170 }}
            placeholder="选择小区"
            value={query.communityId}
            onChange={(communityId: number) => setQuery({ ...query, communityId })}
            options={scope.communityOptions}
          />
        </Form.Item>
        <Form.Item label="类别">
          <Select
            style={{ width: 130 }}
            placeholder="选择类别"
            value={query.category}
            onChange={(category: string) => setQuery({ ...query, category })}
            options={scope.categoryOptions}
          />
        </Form.Item>
        <Form.Item label="优先级">
          <Select
            style={{ width: 120 }}
            value={query.priority}
            onChange={(priority: Priority) => setQuery({ ...query, priority })}
            options={PRIORITY_OPTIONS}
          />
        </Form.Item>
        <Button onClick={() => void run()} disabled={!query.communityId || !query.category}>
          预览
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {result && props.children(result.value)}
    </Card>
  );
}

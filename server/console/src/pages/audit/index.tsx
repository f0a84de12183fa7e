import {
  AUDIT_ACTION_LABELS,
  AUDIT_ENTITY_LABELS,
  AUDIT_ENTITY_TYPES,
  AUDIT_FIELD_LABELS,
  auditChanges,
  type AuditEntityType,
  type AuditLogEntryView,
} from '@linli/shared';
import { Alert, Card, DatePicker, Form, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useRequest } from '../../api/useRequest';
import { dateTime } from '../../components/format';
import { auditValue, type AuditNames } from './values';

const PAGE_SIZE = 20;

/** Fields of snapshots the shared catalogue does not name yet (console-local). */
const FIELD_LABELS: Record<string, string> = {
  role: '角色',
  reason: '原因',
  startAt: '开始时间',
  endAt: '结束时间',
  relation: '关系',
  note: '备注',
  active: '在职',
  phone: '电话',
  username: '登录名',
  sortOrder: '排序',
  description: '说明',
};

/** The fields an entry changed, before and after side by side, by their Chinese names and labels. */
function ChangeTable({ entry, names }: { entry: AuditLogEntryView; names: AuditNames }) {
  const show = (field: string, v: unknown) => auditValue(entry.entityType, field, v, names);
  const rows = auditChanges(entry.before, entry.after);
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      data-testid={`audit-diff-${entry.id}`}
      dataSource={rows}
      locale={{ emptyText: '没有字段变化' }}
      columns={[
        {
          title: '字段',
          dataIndex: 'field',
          width: 220,
          render: (f: string) => <span data-field={f}>{AUDIT_FIELD_LABELS[f] ?? FIELD_LABELS[f] ?? f}</span>,
        },
        {
          title: '修改前',
          dataIndex: 'before',
          render: (v: unknown, r) => <Typography.Text delete={v !== null}>{show(r.field, v)}</Typography.Text>,
        },
        {
          title: '修改后',
          dataIndex: 'after',
          render: (v: unknown, r) => <Typography.Text type="success">{show(r.field, v)}</Typography.Text>,
        },
      ]}
    />
  );
}

/** The audit log: who changed which rule or master data, when, with before and after. */
export default function AuditPage() {
  const [entityType, setEntityType] = useState<AuditEntityType | undefined>();
  const [actorId, setActorId] = useState<number | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [page, setPage] = useState(1);

  const staff = useRequest((s) => s.staff.list(), []);
  const communities = useRequest((s) => s.lookups.communities(), []);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const names: AuditNames = {
    community: (id) => communities.data?.find((c) => c.id === id)?.name,
    category: (code) => categories.data?.find((c) => c.code === code)?.name,
    staff: (id) => staff.data?.find((u) => u.id === id)?.name,
  };
  const query = {
    entityType,
    actorId,
    from: range ? range[0].startOf('day').toISOString() : undefined,
    to: range ? range[1].add(1, 'day').startOf('day').toISOString() : undefined,
    page,
    pageSize: PAGE_SIZE,
  };
  const log = useRequest(
    (s) => s.audit.list(query),
    [entityType, actorId, range?.[0].valueOf(), range?.[1].valueOf(), page],
  );

  return (
    <Card size="small" title="审计日志">
      <Form layout="inline" style={{ rowGap: 8, marginBottom: 12 }}>
        <Form.Item label="对象">
          <Select
            data-testid="audit-filter-type"
            allowClear
            placeholder="全部"
            style={{ width: 160 }}
            value={entityType}
            onChange={(v?: AuditEntityType) => {
              setEntityType(v);
              setPage(1);
            }}
            options={AUDIT_ENTITY_TYPES.map((t) => ({ value: t, label: AUDIT_ENTITY_LABELS[t] }))}
          />
        </Form.Item>
        <Form.Item label="操作人">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部"
            style={{ width: 160 }}
            value={actorId}
            onChange={(v?: number) => {
              setActorId(v);
              setPage(1);
            }}
            options={(staff.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
        </Form.Item>
        <Form.Item label="日期">
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => {
              setRange(v && v[0] && v[1] ? [v[0], v[1]] : null);
              setPage(1);
            }}
          />
        </Form.Item>
      </Form>
      {log.error && <Alert type="error" showIcon title={log.error} style={{ marginBottom: 12 }} />}
      <Table<AuditLogEntryView>
        data-testid="audit-table"
        size="small"
        rowKey="id"
        loading={log.loading}
        dataSource={log.data?.items ?? []}
        expandable={{ expandedRowRender: (e) => <ChangeTable entry={e} names={names} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: log.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 条`,
          onChange: setPage,
        }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: dateTime },
          { title: '操作人', dataIndex: ['actor', 'name'], width: 110, render: (v?: string) => v ?? '系统' },
          {
            title: '操作',
            dataIndex: 'action',
            width: 80,
            render: (a: AuditLogEntryView['action']) => <Tag>{AUDIT_ACTION_LABELS[a] ?? a}</Tag>,
          },
          {
            title: '对象',
            dataIndex: 'entityType',
            width: 130,
            render: (t: AuditEntityType, e) => `${AUDIT_ENTITY_LABELS[t] ?? t}${e.entityId ? ` #${e.entityId}` : ''}`,
          },
          {
            title: '变更字段',
            key: 'changes',
            render: (_: unknown, e) =>
              auditChanges(e.before, e.after)
                .map((c) => AUDIT_FIELD_LABELS[c.field] ?? FIELD_LABELS[c.field] ?? c.field)
                .join('、') || '—',
          },
        ]}
      />
    </Card>
  );
}

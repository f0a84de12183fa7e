import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  KIND_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  STATUS_LABELS,
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  type WorkOrderView,
} from '@linli/shared';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useState, type HTMLAttributes } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useLive } from '../../api/live';
import { useServices } from '../../api/services';
import { useCurrentUser } from '../../auth/session';
import { dateTime, timeLeft } from '../../components/format';
import { listQuery, readFilters, SLA_STATE_OPTIONS, writeFilters, type OrderFilters } from './filters';

const DAY = 'YYYY-MM-DD';
/** GET /api/exports/* is for supervisors and admins (server: ExportsController @Roles). */
const EXPORT_ROLES = ['supervisor', 'admin'];
/** Without a date filter an export covers the last 30 days (the export API needs a period). */
const DEFAULT_EXPORT_DAYS = 30;

export const STATUS_COLORS: Partial<Record<WorkOrderView['status'], string>> = {
  submitted: 'orange',
  pooled: 'gold',
  assigned: 'blue',
  accepted: 'blue',
  on_the_way: 'cyan',
  in_progress: 'cyan',
  paused: 'purple',
  quoted: 'purple',
  completed: 'green',
  closed: 'default',
  cancelled: 'default',
  reopened: 'red',
};

/** The work-order table: filters in the URL, paginated and filtered by the server. */
export default function OrderList() {
  const services = useServices();
  const user = useCurrentUser();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const [exporting, setExporting] = useState<string | null>(null);

  const communities = useRequest((s) => s.lookups.communities(), []);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const technicians = useRequest((s) => s.staff.list({ role: 'technician' }), []);
  const orders = useRequest((s) => s.orders.list(listQuery(filters)), [params.toString()]);
  // New orders and changes in the user's communities arrive over the live socket.
  useLive(orders.reload);

  const update = (patch: Partial<OrderFilters>) => {
    setParams(writeFilters({ ...filters, page: 1, ...patch }));
  };
  const categoryName = (code: string) => categories.data?.find((c) => c.code === code)?.name ?? code;
  const communityName = (id: number) => communities.data?.find((c) => c.id === id)?.name ?? `#${id}`;

  const exportFile = async (kind: 'csv' | 'xlsx') => {
    setExporting(kind);
    // The URL is the truth of the filters: a click right after a change may beat the re-render.
    const filters = readFilters(new URLSearchParams(window.location.search));
    try {
      const to = filters.to ?? dayjs().format(DAY);
      const from =
        filters.from ??
        dayjs(to)
          .subtract(DEFAULT_EXPORT_DAYS - 1, 'day')
          .format(DAY);
      const { blob, filename } = await services.orders.export(kind, {
        from,
        to,
        communityId: filters.communityId,
        status: filters.status,
        priority: filters.priority,
        category: filters.category,
        kind: filters.kind,
        assigneeId: filters.assigneeId,
        slaState: filters.slaState,
        q: filters.q,
      });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename ?? `orders.${kind}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setExporting(null);
    }
  };

  const canExport = EXPORT_ROLES.includes(user.role);
  const exportHint = `导出报修时间在所选日期内（未选时为近 ${DEFAULT_EXPORT_DAYS} 天）的工单，筛选条件与列表相同（小区、状态、优先级、类别、类型、处理师傅、时效状态、关键字）。`;

  return (
    <Card size="small">
      <Form layout="inline" style={{ rowGap: 8, marginBottom: 12 }} data-testid="order-filters">
        <Form.Item label="状态">
          <Select
            data-testid="filter-status"
            mode="multiple"
            allowClear
            style={{ width: 220 }}
            maxTagCount="responsive"
            placeholder="全部"
            value={filters.status}
            onChange={(status) => update({ status })}
            options={WORK_ORDER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
          />
        </Form.Item>
        <Form.Item label="优先级">
          <Select
            data-testid="filter-priority"
            mode="multiple"
            allowClear
            style={{ width: 160 }}
            maxTagCount="responsive"
            placeholder="全部"
            value={filters.priority}
            onChange={(priority) => update({ priority })}
            options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
          />
        </Form.Item>
        <Form.Item label="类别">
          <Select
            data-testid="filter-category"
            allowClear
            style={{ width: 130 }}
            placeholder="全部"
            value={filters.category}
            onChange={(category?: string) => update({ category })}
            options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
          />
        </Form.Item>
        <Form.Item label="类型">
          <Select
            data-testid="filter-kind"
            allowClear
            style={{ width: 120 }}
            placeholder="全部"
            value={filters.kind}
            onChange={(kind?: string) => update({ kind })}
            options={WORK_ORDER_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
          />
        </Form.Item>
        <Form.Item label="小区">
          <Select
            data-testid="filter-community"
            allowClear
            style={{ width: 150 }}
            placeholder="全部"
            value={filters.communityId}
            onChange={(communityId?: number) => update({ communityId })}
            options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
        <Form.Item label="师傅">
          <Select
            data-testid="filter-technician"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 130 }}
            placeholder="全部"
            value={filters.assigneeId}
            onChange={(assigneeId?: number) => update({ assigneeId })}
            options={(technicians.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          />
        </Form.Item>
        <Form.Item label="时效">
          <Select
            data-testid="filter-sla"
            mode="multiple"
            allowClear
            style={{ width: 200 }}
            maxTagCount="responsive"
            placeholder="全部"
            value={filters.slaState}
            onChange={(slaState) => update({ slaState })}
            options={SLA_STATE_OPTIONS}
          />
        </Form.Item>
        <Form.Item label="报修日期">
          <DatePicker.RangePicker
            data-testid="filter-dates"
            value={filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null}
            onChange={(v) => update({ from: v?.[0]?.format(DAY) ?? undefined, to: v?.[1]?.format(DAY) ?? undefined })}
          />
        </Form.Item>
        <Form.Item>
          <Input.Search
            data-testid="filter-q"
            allowClear
            placeholder="工单号或描述"
            style={{ width: 200 }}
            defaultValue={filters.q}
            onSearch={(q) => update({ q: q.trim() || undefined })}
          />
        </Form.Item>
        <Form.Item label="排序">
          <Select
            data-testid="filter-sort"
            style={{ width: 140 }}
            value={filters.sort}
            onChange={(sort: 'created' | 'sla') => update({ sort })}
            options={[
              { value: 'created', label: '最新报修' },
              { value: 'sla', label: '紧急置顶，再按时效' },
            ]}
          />
        </Form.Item>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={orders.reload}>
            刷新
          </Button>
          <Button onClick={() => setParams(new URLSearchParams())}>清空筛选</Button>
          {canExport && (
            <Tooltip title={exportHint}>
              <Button
                data-testid="export-csv"
                icon={<DownloadOutlined />}
                loading={exporting === 'csv'}
                onClick={() => void exportFile('csv')}
              >
                导出 CSV
              </Button>
            </Tooltip>
          )}
          {canExport && (
            <Tooltip title={exportHint}>
              <Button
                data-testid="export-xlsx"
                icon={<DownloadOutlined />}
                loading={exporting === 'xlsx'}
                onClick={() => void exportFile('xlsx')}
              >
                导出 Excel
              </Button>
            </Tooltip>
          )}
        </Space>
      </Form>
      <Table<WorkOrderView>
        data-testid="order-table"
        size="small"
        rowKey="id"
        loading={orders.loading}
        dataSource={orders.data?.items ?? []}
        locale={{ emptyText: orders.error ?? '没有符合条件的工单' }}
        scroll={{ x: 1000 }}
        onRow={(o) => ({ 'data-testid': `order-row-${o.id}` }) as HTMLAttributes<HTMLElement>}
        pagination={{
          current: orders.data?.page ?? filters.page,
          pageSize: orders.data?.pageSize ?? filters.pageSize,
          total: orders.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => <span data-testid="order-total" data-value={total}>{`共 ${total} 单`}</span>,
          onChange: (page, pageSize) =>
            setParams(writeFilters({ ...filters, page: pageSize !== filters.pageSize ? 1 : page, pageSize })),
        }}
        columns={[
          {
            title: '工单号',
            dataIndex: 'no',
            width: 145,
            render: (no: string, o) => <Link to={`/work-orders/${o.id}`}>{no}</Link>,
          },
          {
            title: '状态',
            dataIndex: 'status',
            width: 95,
            render: (s: WorkOrderView['status']) => <Tag color={STATUS_COLORS[s]}>{STATUS_LABELS[s]}</Tag>,
          },
          {
            title: '优先级',
            dataIndex: 'priority',
            width: 70,
            render: (p: WorkOrderView['priority']) => (
              <Tag color={p === 'P1' ? 'red' : p === 'P2' ? 'orange' : undefined}>{PRIORITY_LABELS[p]}</Tag>
            ),
          },
          {
            title: '类别',
            dataIndex: 'category',
            width: 120,
            render: (c: string, o) => (
              <Space size={4}>
                {categoryName(c)}
                {o.kind !== 'repair' && (
                  <Tag color={o.kind === 'complaint' ? 'red' : 'default'}>{KIND_LABELS[o.kind]}</Tag>
                )}
              </Space>
            ),
          },
          {
            // The location starts with the community's name.
            title: '位置',
            dataIndex: 'location',
            width: 180,
            ellipsis: { showTitle: false },
            render: (l: string, o) => <Tooltip title={`${communityName(o.communityId)}：${l}`}>{l}</Tooltip>,
          },
          {
            title: '描述',
            dataIndex: 'description',
            ellipsis: { showTitle: false },
            render: (d: string) => <Tooltip title={d}>{d}</Tooltip>,
          },
          { title: '师傅', dataIndex: ['assignee', 'name'], width: 80, render: (n?: string) => n ?? '—' },
          { title: '报修时间', dataIndex: 'createdAt', width: 140, render: (d: string) => dateTime(d) },
          {
            title: '时效截止',
            dataIndex: 'slaDueAt',
            width: 110,
            render: (d: string | null) =>
              d ? (
                <Tooltip title={dateTime(d)}>
                  <span style={{ color: new Date(d).getTime() < Date.now() ? '#cf1322' : undefined }}>
                    {timeLeft(d)}
                  </span>
                </Tooltip>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Card>
  );
}

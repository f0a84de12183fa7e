import { chinaLocalTime, type HotspotRow, type HotspotsView, type InspectionPlanView } from '@linli/shared';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type { EChartsOption } from 'echarts';
import { MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { useSession } from '../../auth/session';
import { Chart } from '../../components/Chart';

echarts.use([MarkLineComponent]);

const MONTHS = 6;

/** The first day of the month `back` months before today's (China time), as yyyy-mm-dd. */
function monthStart(back: number): string {
  const [y, m] = chinaLocalTime(new Date()).date.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - back, 1));
  return d.toISOString().slice(0, 10);
}
function monthEnd(back: number): string {
  const [y, m] = monthStart(back).split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 0));
  const today = chinaLocalTime(new Date()).date;
  const end = d.toISOString().slice(0, 10);
  return end > today ? today : end;
}

interface Props {
  view: HotspotsView | undefined;
  communityId: number | null;
}

/**
 * 热点保养: the hottest cells of the hotspot map (category × building) with one click to a
 * planned P4 order or a monthly maintenance plan, and each cell's monthly trend with the day a
 * maintenance plan started marked on it (docs/inspections.md "Planned maintenance").
 */
export function HotspotMaintenance(props: Props) {
  // Plans and maintenance orders are for admins and supervisors; the desk reads the map only.
  const { user } = useSession();
  return user?.role === 'admin' || user?.role === 'supervisor' ? <HotspotTable {...props} /> : null;
}

function HotspotTable({ view, communityId }: Props) {
  const rows = (view?.rows ?? []).filter((r) => r.communityId !== null || communityId !== null).slice(0, 8);
  const plans = useRequest((s) => s.inspections.plans({ kind: 'maintenance' }), []);
  const [cell, setCell] = useState<{ row: HotspotRow; mode: 'order' | 'plan' | 'trend' } | null>(null);
  const planOf = (r: HotspotRow) =>
    (plans.data ?? []).filter((p) => p.category === r.category && p.buildingId === r.buildingId);
  return (
    <>
      <Table<HotspotRow>
        size="small"
        rowKey={(r) => `${r.buildingId}-${r.category}`}
        title={() => '热点保养：对反复报修的位置安排计划保养'}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '楼栋', dataIndex: 'buildingName' },
          { title: '类别', dataIndex: 'categoryName' },
          { title: '本期工单', render: (_, r) => `${r.trend.current}（上期 ${r.trend.previous}）` },
          {
            title: '保养计划',
            render: (_, r) =>
              planOf(r)
                .map((p) => `${p.name}（${p.startsOn} 起）`)
                .join('；') || '—',
          },
          {
            title: '操作',
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => setCell({ row: r, mode: 'order' })}>
                  保养工单
                </Button>
                <Button size="small" onClick={() => setCell({ row: r, mode: 'plan' })}>
                  保养计划
                </Button>
                <Button size="small" onClick={() => setCell({ row: r, mode: 'trend' })}>
                  趋势
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {cell && cell.mode !== 'trend' && (
        <MaintenanceForm
          row={cell.row}
          communityId={cell.row.communityId ?? communityId!}
          mode={cell.mode}
          onDone={() => {
            setCell(null);
            plans.reload();
          }}
        />
      )}
      {cell && cell.mode === 'trend' && (
        <Modal
          open
          width={720}
          title={`${cell.row.buildingName} · ${cell.row.categoryName}`}
          footer={null}
          onCancel={() => setCell(null)}
        >
          <CellTrend row={cell.row} communityId={cell.row.communityId ?? communityId} plans={planOf(cell.row)} />
        </Modal>
      )}
    </>
  );
}

function MaintenanceForm({
  row,
  communityId,
  mode,
  onDone,
}: {
  row: HotspotRow;
  communityId: number;
  mode: 'order' | 'plan';
  onDone: () => void;
}) {
  const services = useServices();
  const { message } = App.useApp();
  const areas = useRequest((s) => s.inspections.publicAreas(communityId), [communityId]);
  const [form] = Form.useForm<{ publicAreaId: number; description: string; dayOf: number }>();
  const [error, setError] = useState<string | null>(null);
  const own = (areas.data ?? []).filter((a) => a.buildingId === row.buildingId);
  const save = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      if (mode === 'order') {
        const order = await services.inspections.maintenanceOrder({
          publicAreaId: v.publicAreaId,
          category: row.category,
          description: v.description,
        });
        void message.success(`已创建保养工单 ${order.no}`);
      } else {
        await services.inspections.createPlan({
          kind: 'maintenance',
          communityId,
          name: `${row.buildingName}${row.categoryName}月度保养`.slice(0, 60),
          frequency: 'monthly',
          dayOf: v.dayOf,
          windowStart: 9 * 60,
          windowEnd: 17 * 60,
          publicAreaId: v.publicAreaId,
          buildingId: row.buildingId,
          category: row.category,
          description: v.description,
        });
        void message.success('保养计划已创建，每月生成一张 P4 保养工单');
      }
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Modal
      open
      title={`${mode === 'order' ? '保养工单' : '月度保养计划'}：${row.buildingName} · ${row.categoryName}`}
      okText={mode === 'order' ? '创建 P4 工单' : '创建计划'}
      cancelText="取消"
      onOk={() => void save()}
      onCancel={onDone}
    >
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ dayOf: 1, description: `${row.categoryName}预防性保养` }}>
        <Form.Item
          name="publicAreaId"
          label="保养位置"
          initialValue={own[0]?.id}
          rules={[{ required: true, message: '请选择位置' }]}
        >
          <Select options={(own.length ? own : (areas.data ?? [])).map((a) => ({ value: a.id, label: a.name }))} />
        </Form.Item>
        <Form.Item name="description" label="保养内容" rules={[{ required: true, message: '请填写' }]}>
          <Input maxLength={200} />
        </Form.Item>
        {mode === 'plan' && (
          <Form.Item name="dayOf" label="每月几号">
            <Select options={Array.from({ length: 28 }, (_, i) => ({ value: i + 1, label: `${i + 1} 日` }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The cell's orders per month (the hotspot count of each month), a plan's start marked. */
function CellTrend({
  row,
  communityId,
  plans,
}: {
  row: HotspotRow;
  communityId: number | null;
  plans: InspectionPlanView[];
}) {
  const months = Array.from({ length: MONTHS }, (_, i) => MONTHS - 1 - i);
  const trend = useRequest(
    (s) =>
      Promise.all(
        months.map((back) =>
          s.scores
            .hotspots({ from: monthStart(back), to: monthEnd(back), communityId }, 200)
            .then(
              (v) =>
                v.rows.find((r) => r.buildingId === row.buildingId && r.category === row.category)?.trend.current ?? 0,
            ),
        ),
      ),
    [row.buildingId, row.category, communityId],
  );
  const labels = months.map((back) => monthStart(back).slice(0, 7));
  const marks = plans
    .map((p) => ({ label: p.startsOn.slice(0, 7), name: `${p.name} ${p.startsOn} 起` }))
    .filter((m) => labels.includes(m.label));
  const option: EChartsOption = {
    grid: { left: 40, right: 24, top: 30, bottom: 24 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: '工单数',
        type: 'line',
        data: trend.data ?? [],
        markLine: {
          symbol: 'none',
          label: { formatter: '{b}' },
          lineStyle: { color: '#722ed1', type: 'dashed' },
          data: marks.map((m) => ({ name: m.name, xAxis: m.label })),
        },
      },
    ],
  };
  return (
    <>
      <Chart
        name="hotspot-cell-trend"
        title="每月工单数"
        definition="该楼栋该类别每月新建的工单数；紫色虚线是保养计划开始的月份。"
        option={option}
        points={trend.data ?? []}
        loading={trend.loading}
        error={trend.error}
      />
      {!marks.length && <Typography.Text type="secondary">该位置还没有保养计划</Typography.Text>}
    </>
  );
}

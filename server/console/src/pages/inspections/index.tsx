import {
  chinaLocalTime,
  PLAN_FREQUENCIES,
  type ChecklistItem,
  type InspectionPlanView,
  type InspectionPointView,
  type InspectionRoundView,
  type PlanFrequency,
  type PlanKind,
  type PointQrView,
  type RoundStatus,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
} from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { useSession } from '../../auth/session';
import { dateTime, pct } from '../../components/format';

const FREQUENCY_LABELS: Record<PlanFrequency, string> = { daily: '每天', weekly: '每周', monthly: '每月' };
const KIND_LABELS: Record<PlanKind, string> = { inspection: '巡检', maintenance: '保养' };
const STATUS_TAGS: Record<RoundStatus, { label: string; color: string }> = {
  pending: { label: '待巡检', color: 'blue' },
  in_progress: { label: '巡检中', color: 'orange' },
  completed: { label: '已完成', color: 'green' },
  missed: { label: '漏检', color: 'red' },
};
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const toMinutes = (t: string) => {
  const [h, m] = t.split(':').map(Number);
  return h * 60 + m;
};
const scheduleText = (p: InspectionPlanView) =>
  `${FREQUENCY_LABELS[p.frequency]}${
    p.frequency === 'weekly' ? `周${WEEKDAYS[(p.dayOf ?? 1) - 1]}` : p.frequency === 'monthly' ? `${p.dayOf}日` : ''
  } ${hhmm(p.windowStart)}-${hhmm(p.windowEnd)}`;

/** Admins create and change; supervisors read (the API refuses the rest). */
function useIsAdmin(): boolean {
  return useSession().user?.role === 'admin';
}

function useCommunity() {
  const communities = useRequest((s) => s.lookups.communities(), []);
  const [communityId, setCommunityId] = useState<number | undefined>();
  const picker = (
    <Select
      placeholder="选择小区"
      style={{ width: 180 }}
      value={communityId}
      onChange={setCommunityId}
      aria-label="小区"
      options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
    />
  );
  return { communityId: communityId ?? communities.data?.[0]?.id, picker, setCommunityId };
}

/** 巡检与保养: plans, points with their QR codes, rounds, completion and abnormal items. */
export default function InspectionsPage() {
  return (
    <Tabs
      items={[
        { key: 'plans', label: '计划', children: <Plans /> },
        { key: 'points', label: '巡检点', children: <Points /> },
        { key: 'rounds', label: '巡检记录', children: <Rounds /> },
        { key: 'report', label: '完成率与异常', children: <Report /> },
      ]}
    />
  );
}

interface PlanForm {
  kind: PlanKind;
  name: string;
  frequency: PlanFrequency;
  dayOf?: number;
  start: string;
  end: string;
  teamId?: number;
  pointIds?: number[];
  publicAreaId?: number;
  category?: string;
  description?: string;
}

function Plans() {
  const services = useServices();
  const { message } = App.useApp();
  const { communityId, picker } = useCommunity();
  const plans = useRequest((s) => (communityId ? s.inspections.plans({ communityId }) : null), [communityId]);
  const points = useRequest((s) => (communityId ? s.inspections.points({ communityId }) : null), [communityId]);
  const areas = useRequest((s) => (communityId ? s.inspections.publicAreas(communityId) : null), [communityId]);
  const isAdmin = useIsAdmin();
  const teams = useRequest((s) => (isAdmin ? s.teams.list() : null), [isAdmin]);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const [open, setOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<PlanForm>();
  const kind = Form.useWatch('kind', form);
  const frequency = Form.useWatch('frequency', form);

  const save = async () => {
    const v = await form.validateFields();
    if (!communityId) return;
    setSaving(true);
    setError(null);
    try {
      await services.inspections.createPlan({
        kind: v.kind,
        communityId,
        name: v.name,
        frequency: v.frequency,
        dayOf: v.frequency === 'daily' ? null : (v.dayOf ?? null),
        windowStart: toMinutes(v.start),
        windowEnd: toMinutes(v.end),
        ...(v.kind === 'inspection'
          ? { teamId: v.teamId, pointIds: v.pointIds }
          : { publicAreaId: v.publicAreaId, category: v.category, description: v.description || undefined }),
      });
      void message.success('计划已创建');
      setOpen(false);
      form.resetFields();
      plans.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const toggle = async (p: InspectionPlanView) => {
    try {
      await services.inspections.setPlanActive(p.id, !p.active);
      plans.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Card
      size="small"
      title="巡检与保养计划"
      extra={
        <Space>
          {picker}
          {isAdmin && (
            <Button type="primary" onClick={() => setOpen(true)} disabled={!communityId}>
              新建计划
            </Button>
          )}
        </Space>
      }
    >
      {plans.error && <Alert type="error" message={plans.error} />}
      <Table<InspectionPlanView>
        rowKey="id"
        size="small"
        loading={plans.loading}
        dataSource={plans.data ?? []}
        pagination={false}
        columns={[
          { title: '计划', dataIndex: 'name' },
          {
            title: '类型',
            render: (_, p) => <Tag color={p.kind === 'inspection' ? 'blue' : 'purple'}>{KIND_LABELS[p.kind]}</Tag>,
          },
          { title: '时间', render: (_, p) => scheduleText(p) },
          { title: '班组', render: (_, p) => p.teamName ?? '—' },
          { title: '点位', render: (_, p) => (p.kind === 'inspection' ? `${p.pointIds.length} 个` : '—') },
          { title: '开始日期', dataIndex: 'startsOn' },
          { title: '下次', render: (_, p) => (p.nextAt ? dateTime(p.nextAt) : '已暂停') },
          {
            title: '操作',
            render: (_, p) =>
              isAdmin ? (
                <Button size="small" onClick={() => void toggle(p)}>
                  {p.active ? '暂停' : '恢复'}
                </Button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      <Modal
        open={open}
        title="新建计划"
        okText="创建"
        cancelText="取消"
        confirmLoading={saving}
        onOk={() => void save()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'inspection', frequency: 'daily', start: '09:00', end: '11:00' }}
        >
          <Form.Item name="kind" label="类型">
            <Select
              options={(['inspection', 'maintenance'] as const).map((k) => ({ value: k, label: KIND_LABELS[k] }))}
            />
          </Form.Item>
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input maxLength={60} placeholder="如：每日设备巡检" data-testid="plan-name" />
          </Form.Item>
          <Space>
            <Form.Item name="frequency" label="周期">
              <Select
                style={{ width: 100 }}
                options={PLAN_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))}
              />
            </Form.Item>
            {frequency === 'weekly' && (
              <Form.Item name="dayOf" label="星期" rules={[{ required: true, message: '请选择' }]}>
                <Select style={{ width: 90 }} options={WEEKDAYS.map((d, i) => ({ value: i + 1, label: `周${d}` }))} />
              </Form.Item>
            )}
            {frequency === 'monthly' && (
              <Form.Item name="dayOf" label="日" rules={[{ required: true, message: '请填写' }]}>
                <InputNumber min={1} max={28} />
              </Form.Item>
            )}
            <Form.Item
              name="start"
              label="开始"
              rules={[{ required: true, pattern: /^\d{2}:\d{2}$/, message: '如 09:00' }]}
            >
              <Input style={{ width: 90 }} aria-label="开始时间" />
            </Form.Item>
            <Form.Item
              name="end"
              label="结束"
              rules={[{ required: true, pattern: /^\d{2}:\d{2}$/, message: '如 11:00' }]}
            >
              <Input style={{ width: 90 }} aria-label="结束时间" />
            </Form.Item>
          </Space>
          {kind !== 'maintenance' ? (
            <>
              <Form.Item name="teamId" label="执行班组" rules={[{ required: true, message: '请选择班组' }]}>
                <Select
                  data-testid="plan-team"
                  options={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                />
              </Form.Item>
              <Form.Item
                name="pointIds"
                label="巡检点（按巡检顺序选择）"
                rules={[{ required: true, message: '至少选择一个点位' }]}
              >
                <Select
                  mode="multiple"
                  data-testid="plan-points"
                  options={(points.data ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: p.name }))}
                />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item name="publicAreaId" label="保养位置" rules={[{ required: true, message: '请选择位置' }]}>
                <Select options={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} />
              </Form.Item>
              <Form.Item name="category" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
                <Select options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))} />
              </Form.Item>
              <Form.Item name="description" label="保养内容">
                <Input maxLength={200} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

function Points() {
  const isAdmin = useIsAdmin();
  const services = useServices();
  const { message } = App.useApp();
  const { communityId, picker } = useCommunity();
  const points = useRequest((s) => (communityId ? s.inspections.points({ communityId }) : null), [communityId]);
  const areas = useRequest((s) => (communityId ? s.inspections.publicAreas(communityId) : null), [communityId]);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; publicAreaId: number; items: string; photo: boolean }>();
  const [qr, setQr] = useState<PointQrView | null>(null);
  const [sheet, setSheet] = useState<PointQrView[] | null>(null);
  const [maintain, setMaintain] = useState<InspectionPointView | null>(null);
  const [mForm] = Form.useForm<{ category: string; description: string }>();

  const save = async () => {
    const v = await form.validateFields();
    if (!communityId) return;
    setError(null);
    const labels = v.items
      .split(/\n|；|;/)
      .map((s) => s.trim())
      .filter(Boolean);
    const checklist: ChecklistItem[] = labels.map((label, i) => ({
      key: `item_${i + 1}`,
      label,
      photoRequired: v.photo,
    }));
    try {
      await services.inspections.createPoint({ communityId, publicAreaId: v.publicAreaId, name: v.name, checklist });
      void message.success('巡检点已创建');
      setOpen(false);
      form.resetFields();
      points.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const printSheet = async () => {
    try {
      const list = points.data ?? [];
      setSheet(await Promise.all(list.filter((p) => p.active).map((p) => services.inspections.pointQr(p.id))));
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const fileMaintenance = async () => {
    const v = await mForm.validateFields();
    if (!maintain) return;
    try {
      const order = await services.inspections.maintenanceOrder({
        publicAreaId: maintain.publicAreaId,
        category: v.category,
        description: v.description,
      });
      void message.success(`已创建保养工单 ${order.no}`);
      setMaintain(null);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Card
      size="small"
      title="巡检点"
      extra={
        <Space>
          {picker}
          <Button onClick={() => void printSheet()} disabled={!points.data?.length}>
            打印二维码
          </Button>
          {isAdmin && (
            <Button type="primary" onClick={() => setOpen(true)} disabled={!communityId}>
              新建巡检点
            </Button>
          )}
        </Space>
      }
    >
      <Table<InspectionPointView>
        rowKey="id"
        size="small"
        loading={points.loading}
        dataSource={points.data ?? []}
        pagination={false}
        columns={[
          { title: '点位', dataIndex: 'name' },
          { title: '位置', dataIndex: 'publicAreaName' },
          { title: '编码', dataIndex: 'code' },
          {
            title: '检查项',
            render: (_, p) => p.checklist.map((i) => i.label + (i.photoRequired ? '（拍照）' : '')).join('；'),
          },
          { title: '状态', render: (_, p) => (p.active ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
          {
            title: '操作',
            render: (_, p) => (
              <Space>
                <Button size="small" onClick={() => void services.inspections.pointQr(p.id).then(setQr)}>
                  二维码
                </Button>
                <Button size="small" onClick={() => setMaintain(p)}>
                  保养工单
                </Button>
                {isAdmin && (
                  <Button
                    size="small"
                    onClick={() =>
                      void services.inspections
                        .updatePoint(p.id, { active: !p.active })
                        .then(points.reload, (e) => message.error(errorText(e)))
                    }
                  >
                    {p.active ? '停用' : '启用'}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={open}
        title="新建巡检点"
        okText="创建"
        cancelText="取消"
        onOk={() => void save()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" initialValues={{ photo: false }}>
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input maxLength={60} placeholder="如：2栋水泵房" />
          </Form.Item>
          <Form.Item
            name="publicAreaId"
            label="所在公共区域（异常时报修到这里）"
            rules={[{ required: true, message: '请选择' }]}
          >
            <Select options={(areas.data ?? []).map((a) => ({ value: a.id, label: a.name }))} />
          </Form.Item>
          <Form.Item name="items" label="检查项（每行一项）" rules={[{ required: true, message: '至少一项' }]}>
            <Input.TextArea rows={4} placeholder={'水泵压力正常\n无渗漏'} />
          </Form.Item>
          <Form.Item name="photo" valuePropName="checked">
            <Checkbox>每项都需拍照</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={qr !== null} title={qr?.name} footer={null} onCancel={() => setQr(null)}>
        {qr && (
          <div style={{ textAlign: 'center' }}>
            <img src={qr.png} alt={`${qr.name} 二维码`} width={240} />
            <div>点位编码 {qr.code}</div>
          </div>
        )}
      </Modal>
      <Modal
        open={sheet !== null}
        title="巡检点二维码"
        width={860}
        okText="打印"
        cancelText="关闭"
        onOk={() => window.print()}
        onCancel={() => setSheet(null)}
      >
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
          {(sheet ?? []).map((q) => (
            <div key={q.pointId} style={{ width: 180, textAlign: 'center', border: '1px dashed #ccc', padding: 8 }}>
              <img src={q.png} alt={`${q.name} 二维码`} width={160} />
              <div>{q.name}</div>
              <div style={{ fontSize: 12 }}>编码 {q.code}</div>
            </div>
          ))}
        </div>
      </Modal>
      <Modal
        open={maintain !== null}
        title={`保养工单：${maintain?.name ?? ''}`}
        okText="创建 P4 保养工单"
        cancelText="取消"
        onOk={() => void fileMaintenance()}
        onCancel={() => setMaintain(null)}
        destroyOnHidden
      >
        <Form form={mForm} layout="vertical">
          <Form.Item name="category" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
            <Select options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))} />
          </Form.Item>
          <Form.Item name="description" label="保养内容" rules={[{ required: true, message: '请填写' }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Rounds() {
  const { communityId, picker } = useCommunity();
  const [status, setStatus] = useState<RoundStatus | undefined>();
  const rounds = useRequest(
    (s) => (communityId ? s.inspections.rounds({ communityId, status }) : null),
    [communityId, status],
  );
  return (
    <Card
      size="small"
      title="巡检记录"
      extra={
        <Space>
          {picker}
          <Select
            allowClear
            placeholder="全部状态"
            style={{ width: 120 }}
            value={status}
            onChange={setStatus}
            options={(Object.keys(STATUS_TAGS) as RoundStatus[]).map((s) => ({
              value: s,
              label: STATUS_TAGS[s].label,
            }))}
          />
        </Space>
      }
    >
      <Table<InspectionRoundView>
        rowKey="id"
        size="small"
        loading={rounds.loading}
        dataSource={rounds.data ?? []}
        columns={[
          { title: '计划', dataIndex: 'planName' },
          { title: '时间窗', render: (_, r) => `${dateTime(r.windowStart)} - ${dateTime(r.windowEnd).slice(-5)}` },
          { title: '班组', render: (_, r) => r.teamName ?? '—' },
          {
            title: '状态',
            render: (_, r) => (
              <Space size={4}>
                <Tag color={STATUS_TAGS[r.status].color}>{STATUS_TAGS[r.status].label}</Tag>
                {r.late && r.status !== 'missed' && <Tag color="orange">超时</Tag>}
                {r.escalated && <Tag color="red">已上报主管</Tag>}
              </Space>
            ),
          },
          { title: '执行人', render: (_, r) => r.technicianName ?? '—' },
          { title: '进度', render: (_, r) => `${r.pointsDone}/${r.pointsTotal}` },
          { title: '异常', dataIndex: 'abnormal' },
          { title: '完成时间', render: (_, r) => (r.completedAt ? dateTime(r.completedAt) : '—') },
        ]}
      />
    </Card>
  );
}

function Report() {
  const { communityId, picker } = useCommunity();
  const today = chinaLocalTime(new Date()).date;
  const monthAgo = chinaLocalTime(new Date(Date.now() - 30 * 86_400_000)).date;
  const report = useRequest(
    (s) => (communityId ? s.inspections.report({ communityId, from: monthAgo, to: today }) : null),
    [communityId],
  );
  const rateColumns = [
    { title: '名称', dataIndex: 'name' },
    { title: '应巡', dataIndex: 'due' },
    { title: '完成', dataIndex: 'completed' },
    { title: '按时', dataIndex: 'onTime' },
    { title: '完成率', render: (_: unknown, r: { rate: number | null }) => pct(r.rate) },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={`近30天完成率（${monthAgo} 至 ${today}）`} extra={picker}>
        {report.error && <Alert type="error" message={report.error} />}
        <Space align="start" wrap>
          <Table
            size="small"
            rowKey="id"
            title={() => '按班组'}
            pagination={false}
            dataSource={report.data?.byTeam ?? []}
            columns={rateColumns}
          />
          <Table
            size="small"
            rowKey="id"
            title={() => '按点位'}
            pagination={false}
            dataSource={report.data?.byPoint ?? []}
            columns={rateColumns}
          />
        </Space>
      </Card>
      <Card size="small" title="异常项">
        <Table
          size="small"
          rowKey={(r) => `${r.roundId}-${r.pointId}-${r.itemKey}`}
          dataSource={report.data?.abnormal ?? []}
          columns={[
            { title: '时间', render: (_, r) => dateTime(r.checkedAt) },
            { title: '点位', dataIndex: 'pointName' },
            { title: '检查项', dataIndex: 'itemLabel' },
            { title: '说明', render: (_, r) => r.note ?? '—' },
            {
              title: '报修工单',
              render: (_, r) => (r.workOrderId ? <a href={`/work-orders/${r.workOrderId}`}>查看工单</a> : '—'),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

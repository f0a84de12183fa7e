import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  ACTION_LABELS,
  ACTION_REQUIREMENTS,
  ASSIGN_WARNING_LABELS,
  DEFAULT_CATEGORY_NAMES,
  assignWarnings,
  skillLevel,
  type AssignWarning,
  type StaffView,
  DIMENSION_LABELS,
  EXCLUSION_LABELS,
  EXCLUSION_REASONS,
  GRADE_LABELS,
  GRADE_NAMES,
  KIND_LABELS,
  PRIORITY_LABELS,
  RATING_DIMENSIONS,
  ROLE_LABELS,
  ROUTING_MODE_LABELS,
  ROUTING_OUTCOME_LABELS,
  ROUTING_STATE_LABELS,
  SLA_STAGE_LABELS,
  STATUS_LABELS,
  TIMELINE_ACTION_LABELS,
  allowedActions,
  slaPauseText,
  handoverText,
  noteText,
  type CompactRoutingDecision,
  type ExplainedCandidate,
  type RankedCandidate,
  type RoutingExplanationView,
  type RoutingMode,
  type RoutingOutcome,
  type RoutingWeights,
  type SlaClockView,
  type WorkOrderAction,
  type WorkOrderDetailView,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Image,
  Input,
  Modal,
  Rate,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useLive } from '../../api/live';
import { useServices } from '../../api/services';
import { useCurrentUser } from '../../auth/session';
import { Defined } from '../../components/Definition';
import { dateTime, minutes, timeLeft } from '../../components/format';
import { OrderFees } from './OrderFees';
import { OrderMerge } from './OrderMerge';
import { STATUS_COLORS } from './OrderList';

/** The picker's warnings for a candidate (shared assignWarnings); no skill check without a category. */
function candidateWarnings(t: StaffView, category: string | null): AssignWarning[] {
  return assignWarnings(t, category ?? '').filter((w) => category !== null || w !== 'no_skill');
}

/**
 * A candidate in the assign picker: name, shift, load (在办 open/capacity), their level for the
 * order's category and every skill, then the warnings (docs/routing.md "Manual assignment pickers").
 */
function candidateLabel(t: StaffView, category: string | null): string {
  const level = category ? skillLevel(t, category) : null;
  const skills = t.skills
    .filter((x) => x.level > 0)
    .map((x) => `${DEFAULT_CATEGORY_NAMES[x.category] ?? x.category}${x.level}级`);
  const warnings = candidateWarnings(t, category).map((w) => ASSIGN_WARNING_LABELS[w]);
  return [
    `${t.name}（${t.onShift ? '在班' : '不在班'}，在办 ${t.openOrders}/${t.capacity}${level !== null ? `，本类 ${level}级` : ''}）`,
    skills.length ? `技能：${skills.join('、')}` : '未登记技能',
    warnings.length ? `⚠ ${warnings.join('、')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The actions the console offers on an order; which of them show comes from the state machine. */
const CONSOLE_ACTIONS: readonly WorkOrderAction[] = ['assign', 'pool', 'reopen', 'cancel'];

function clockStatus(c: SlaClockView): { label: string; color: string } {
  switch (c.status) {
    case 'running':
      return c.breached ? { label: '已超时，计时中', color: 'red' } : { label: '计时中', color: 'blue' };
    case 'paused':
      return { label: '已暂停', color: 'purple' };
    case 'stopped':
      return c.breached ? { label: '超时完成', color: 'red' } : { label: '按时完成', color: 'green' };
    case 'cancelled':
      return { label: '已取消', color: 'default' };
  }
}

function Nowrap({ children }: { children: ReactNode }) {
  return <span style={{ whiteSpace: 'nowrap' }}>{children}</span>;
}

/** /work-orders/:id: everything about one order, and the office's actions on it. */
export default function OrderDetail() {
  const id = Number(useParams().id);
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [order, setOrder] = useState<WorkOrderDetailView | null>(null);
  const [acting, setActing] = useState<WorkOrderAction | null>(null);

  const loaded = useRequest(
    (s) =>
      s.orders.get(id).then((o) => {
        setOrder(o);
        return o;
      }),
    [id],
  );
  // Changes made elsewhere arrive over the live socket; one of the version shown needs no refetch.
  useLive(
    loaded.reload,
    (m) => m.orderId === id && !(m.type === 'order.changed' && order && m.version <= order.version),
  );
  const routing = useRequest((s) => s.orders.routing(id), [id, order?.version]);
  const sla = useRequest((s) => s.orders.sla(id), [id, order?.version]);
  const rating = useRequest((s) => s.orders.rating(id), [id, order?.version]);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const communities = useRequest((s) => s.lookups.communities(), []);

  if (loaded.error && !order) {
    return (
      <Result
        status="warning"
        title={loaded.error}
        extra={<Button onClick={() => void navigate('/work-orders')}>返回工单列表</Button>}
      />
    );
  }
  if (!order) return <Spin style={{ display: 'block', marginTop: 80 }} />;

  const actions = allowedActions(order.status, { role: user.role, isAssignee: false, isReporter: false }).filter((a) =>
    CONSOLE_ACTIONS.includes(a),
  );
  const actionLabel = (a: WorkOrderAction) => (a === 'assign' && order.assignee ? '改派' : ACTION_LABELS[a]);
  const categoryName = categories.data?.find((c) => c.code === order.category)?.name ?? order.category;
  const communityName = communities.data?.find((c) => c.id === order.communityId)?.name ?? `#${order.communityId}`;
  const names = new Map<number, string>();
  for (const d of routing.data ?? []) {
    for (const r of d.top) names.set(r.userId, r.name);
    for (const x of d.excluded ?? []) names.set(x.userId, x.name);
  }

  return (
    <div data-testid="order-detail" data-order-id={order.id}>
      <Card
        size="small"
        style={{ marginBottom: 12 }}
        title={
          <Space>
            <Link to="/work-orders">
              <ArrowLeftOutlined /> 工单列表
            </Link>
            <Typography.Text strong data-testid="order-no">
              {order.no}
            </Typography.Text>
            <Tag color={STATUS_COLORS[order.status]} data-testid="order-status" data-value={order.status}>
              {STATUS_LABELS[order.status]}
            </Tag>
            <Tag color={order.priority === 'P1' ? 'red' : undefined}>{PRIORITY_LABELS[order.priority]}</Tag>
            <Tag>{KIND_LABELS[order.kind]}</Tag>
          </Space>
        }
        extra={
          <Space data-testid="order-actions">
            {actions.map((a) => (
              <Button
                key={a}
                data-testid={`action-${a}`}
                danger={a === 'cancel'}
                type={a === 'assign' ? 'primary' : 'default'}
                onClick={() => setActing(a)}
              >
                {actionLabel(a)}
              </Button>
            ))}
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="类别">{categoryName}</Descriptions.Item>
          <Descriptions.Item label="小区">{communityName}</Descriptions.Item>
          <Descriptions.Item label="位置">{order.location}</Descriptions.Item>
          <Descriptions.Item label="报修人">
            {order.reporter ? `${order.reporter.name} ${order.reporter.phone ?? ''}` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="处理师傅">
            <span data-testid="order-assignee">{order.assignee ? order.assignee.name : '未派单'}</span>
          </Descriptions.Item>
          <Descriptions.Item label="派单状态">
            {order.routingState ? ROUTING_STATE_LABELS[order.routingState] : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="报修时间">{dateTime(order.createdAt)}</Descriptions.Item>
          <Descriptions.Item label="期望上门">{order.preferredTime ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="时效截止">
            {order.slaDueAt ? `${dateTime(order.slaDueAt)}（${timeLeft(order.slaDueAt)}）` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="催单 / 返修">
            {order.urgeCount} / {order.reopenCount}
          </Descriptions.Item>
          <Descriptions.Item label="重复报修">
            {order.repeatOfId ? <Link to={`/work-orders/${order.repeatOfId}`}>重复 #{order.repeatOfId}</Link> : '否'}
          </Descriptions.Item>
          {order.complaintOfId ? (
            <Descriptions.Item label="差评投诉">
              <Link to={`/work-orders/${order.complaintOfId}`}>来自工单 #{order.complaintOfId} 的评价</Link>
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label="报价">
            {order.quote
              ? `¥${(order.quote.totalFen / 100).toFixed(2)}（${order.quote.approved === null ? '待确认' : order.quote.approved ? '已同意' : '已拒绝'}）`
              : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="描述" span={3}>
            {order.description}
          </Descriptions.Item>
        </Descriptions>
        {order.photos.length > 0 && (
          <Image.PreviewGroup>
            <Space data-testid="order-photos" wrap>
              {order.photos.map((p) => (
                <Image key={p.id} src={p.url} width={96} height={96} style={{ objectFit: 'cover' }} alt="报修照片" />
              ))}
            </Space>
          </Image.PreviewGroup>
        )}
      </Card>

      <OrderFees order={order} onChanged={loaded.reload} />
      <OrderMerge order={order} onMerged={loaded.reload} />

      <Row gutter={12}>
        <Col span={12}>
          <Card size="small" title="处理进度" style={{ marginBottom: 12 }}>
            <Timeline
              data-testid="order-timeline"
              items={[...order.timeline].reverse().map((e) => ({
                key: e.id,
                color: e.action === 'cancel' ? 'red' : e.action === 'reopen' ? 'orange' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{TIMELINE_ACTION_LABELS[e.action]}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {e.from ? `${STATUS_LABELS[e.from]} → ` : ''}
                      {STATUS_LABELS[e.to]}
                    </Typography.Text>
                    <div style={{ fontSize: 12, color: '#8c8c8c' }}>
                      {dateTime(e.at)} ·{' '}
                      {e.actor.role === 'system' ? '系统' : `${e.actor.name}（${ROLE_LABELS[e.actor.role]}）`}
                    </div>
                    {handoverText(e) && <div>{handoverText(e)}</div>}
                    {e.note && <div>{noteText(e.action, e.note)}</div>}
                    {e.photos.length > 0 && (
                      <Image.PreviewGroup>
                        <Space wrap>
                          {e.photos.map((p) => (
                            <Image key={p.id} src={p.url} width={56} height={56} style={{ objectFit: 'cover' }} />
                          ))}
                        </Space>
                      </Image.PreviewGroup>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
          <Card size="small" title="住户评价" data-testid="order-rating">
            {rating.error && <Alert type="error" showIcon title={rating.error} />}
            {rating.data ? (
              <Space direction="vertical" size={4}>
                <Space>
                  <Rate disabled value={rating.data.stars} />
                  <span data-testid="order-rating-stars" data-value={rating.data.stars}>
                    {rating.data.stars} 星
                  </span>
                  {rating.data.fixed !== null && (
                    <Tag color={rating.data.fixed ? 'green' : 'red'}>{rating.data.fixed ? '已修好' : '没修好'}</Tag>
                  )}
                </Space>
                <Space wrap size={12}>
                  {RATING_DIMENSIONS.map((d) => (
                    <span key={d}>
                      {DIMENSION_LABELS[d]}：{rating.data?.dimensions[d] ?? '—'}
                    </span>
                  ))}
                </Space>
                {rating.data.tags.length > 0 && (
                  <Space wrap>
                    {rating.data.tags.map((t) => (
                      <Tag key={t}>{t}</Tag>
                    ))}
                  </Space>
                )}
                {rating.data.comment && <Typography.Paragraph>{rating.data.comment}</Typography.Paragraph>}
                <Typography.Text type="secondary">{dateTime(rating.data.createdAt)}</Typography.Text>
              </Space>
            ) : (
              !rating.loading && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未评价" />
            )}
          </Card>
        </Col>
        <Col span={12}>
          <Card
            size="small"
            title={
              <Defined
                title="时效（SLA）"
                definition="每个阶段（接单、到场、完工）一个计时：目标时间、截止时间（暂停会顺延）、已触发的升级（50%、75%、超时）。返修开始新一轮计时。"
              />
            }
            style={{ marginBottom: 12 }}
          >
            {sla.error && <Alert type="error" showIcon title={sla.error} />}
            <Table<SlaClockView>
              data-testid="order-sla"
              size="small"
              rowKey="id"
              pagination={false}
              loading={sla.loading}
              dataSource={sla.data ?? []}
              locale={{ emptyText: '无时效计时' }}
              columns={[
                { title: '轮次', dataIndex: 'cycle', width: 50, render: (c: number) => c + 1 },
                { title: '阶段', dataIndex: 'stage', render: (s: SlaClockView['stage']) => SLA_STAGE_LABELS[s] },
                { title: '目标', dataIndex: 'targetMinutes', render: (m: number) => minutes(m) },
                { title: '截止', dataIndex: 'dueAt', render: (d: string) => dateTime(d) },
                {
                  title: '状态',
                  dataIndex: 'status',
                  render: (_: SlaClockView['status'], c) => (
                    <Tooltip title={c.level ? `已触发升级 ${c.level} 级` : undefined}>
                      <Tag color={clockStatus(c).color}>{clockStatus(c).label}</Tag>
                      {c.status === 'paused' && c.pauseReason && (
                        <Typography.Text type="secondary" data-testid="sla-pause-reason">
                          {slaPauseText(c.pauseReason)}
                        </Typography.Text>
                      )}
                    </Tooltip>
                  ),
                },
              ]}
            />
          </Card>
          <Card
            size="small"
            title={
              <Defined
                title="派单说明"
                definition="每次自动派单的依据：得分最高的几名候选师傅按技能、负载、质量、轮换、距离的打分（分数 = Σ 权重 × 分项 / Σ 权重），以及各排除原因的人数。完整候选名单不随派单保存，可按当前数据重新计算查看。"
              />
            }
            data-testid="order-routing"
          >
            {routing.error && <Alert type="error" showIcon title={routing.error} />}
            {(routing.data ?? []).length === 0 && !routing.loading && (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无派单记录" />
            )}
            {(routing.data ?? []).map((d) => (
              <div key={d.id} style={{ marginBottom: 12 }} data-testid="routing-decision">
                <div style={{ marginBottom: 4 }}>
                  <Typography.Text strong>第 {d.attempt} 次</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {dateTime(d.at)} · {ROUTING_MODE_LABELS[d.mode as RoutingMode] ?? d.mode}
                  </Typography.Text>{' '}
                  <Tag color="blue">
                    {ROUTING_OUTCOME_LABELS[d.outcome as RoutingOutcome] ?? d.outcome}
                    {d.chosenUserId !== null ? ` ${names.get(d.chosenUserId) ?? `#${d.chosenUserId}`}` : ''}
                  </Tag>
                </div>
                <div style={{ marginBottom: 4, fontSize: 12 }} data-testid="routing-totals">
                  <Typography.Text type="secondary">
                    共 {d.considered} 名师傅参与，{d.eligible} 名符合条件
                    {d.eligible > d.top.length ? `，下表为前 ${d.top.length} 名` : ''}
                  </Typography.Text>
                </div>
                {d.top.length > 0 && <CandidateTable rows={d.top} weights={d.weights} />}
                <ExclusionSummary counts={d.excludedByReason} excluded={d.excluded} />
              </div>
            ))}
            <RoutingExplanation orderId={order.id} />
          </Card>
        </Col>
      </Row>

      {acting && (
        <ActionDialog
          order={order}
          action={acting}
          title={actionLabel(acting)}
          onClose={() => setActing(null)}
          onDone={(next) => {
            setOrder(next);
            setActing(null);
          }}
        />
      )}
    </div>
  );
}

interface ActionForm {
  assigneeId?: number;
  reason?: string;
  note?: string;
}

/** Confirm an action; asks for what ACTION_REQUIREMENTS says it needs (an assignee, a reason). */
function ActionDialog(props: {
  order: WorkOrderDetailView;
  action: WorkOrderAction;
  title: string;
  onClose: () => void;
  onDone: (order: WorkOrderDetailView) => void;
}) {
  const { order, action } = props;
  const services = useServices();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needs = ACTION_REQUIREMENTS[action];
  const technicians = useRequest(
    (s) => (needs.assignee ? s.staff.list({ role: 'technician', communityId: order.communityId }) : null),
    [order.communityId, needs.assignee],
  );
  // A complaint's handler is not chosen by repair skill: no skill warning for it.
  const skillCategory = order.kind === 'complaint' ? null : order.category;
  const pickedId = Form.useWatch('assigneeId', form);
  const picked = (technicians.data ?? []).find((t) => t.id === pickedId);
  const pickedWarnings = picked ? candidateWarnings(picked, skillCategory) : [];

  const submit = async () => {
    let values: ActionForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    setBusy(true);
    setError(null);
    try {
      const next = await services.orders.transition(order.id, {
        action,
        version: order.version,
        assigneeId: needs.assignee ? values.assigneeId : undefined,
        reason: needs.reason ? values.reason?.trim() : undefined,
        note: values.note?.trim() || undefined,
      });
      void message.success(`${props.title}成功`);
      props.onDone(next);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`${props.title} · ${order.no}`}
      okText="确定"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={props.onClose}
      okButtonProps={{ 'data-testid': 'action-confirm' }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="action-error" />}
      <Form form={form} layout="vertical">
        {needs.assignee && (
          <Form.Item name="assigneeId" label="派给师傅" rules={[{ required: true, message: '请选择师傅' }]}>
            <Select
              data-testid="action-assignee"
              loading={technicians.loading}
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择服务该小区的师傅"
              options={(technicians.data ?? [])
                .filter((t) => t.active && t.id !== order.assignee?.id)
                .map((t) => ({ value: t.id, label: candidateLabel(t, skillCategory) }))}
            />
          </Form.Item>
        )}
        {needs.assignee && pickedWarnings.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="action-assignee-warning"
            title={`该师傅${pickedWarnings.map((w) => ASSIGN_WARNING_LABELS[w]).join('、')}，确定后仍会派单`}
          />
        )}
        {needs.reason && (
          <Form.Item
            name="reason"
            label="原因"
            rules={[
              { required: true, whitespace: true, message: '请填写原因' },
              { max: 200, message: '最多 200 字' },
            ]}
          >
            <Input.TextArea data-testid="action-reason" rows={3} maxLength={200} showCount />
          </Form.Item>
        )}
        <Form.Item name="note" label="备注（可选）" rules={[{ max: 1000, message: '最多 1000 字' }]}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Ranked candidates with their grades; `rank` when given (a stored decision's top), else the row order. */
/** Where an explained candidate's position came from (docs/routing.md "Distance and travel"). */
const POSITION_SOURCE_LABELS: Record<NonNullable<ExplainedCandidate['positionSource']>, string> = {
  reported: '手机定位',
  current_job: '当前工单',
  last_job: '上一单',
};

/** 约 12 分钟（2.3 km，当前工单）, or 位置未知: the travel facts behind the distance grade. */
function travelText(r: ExplainedCandidate): string {
  if (r.travelMinutes === null || r.distanceKm === null) return '位置未知';
  const from = r.positionSource ? `，${POSITION_SOURCE_LABELS[r.positionSource]}` : '';
  return `约 ${r.travelMinutes} 分钟（${r.distanceKm} km${from}）`;
}

function CandidateTable(props: {
  rows: Array<RankedCandidate & { rank?: number }>;
  weights: RoutingWeights;
  /** The explanation's rows carry travel facts: show 路程. */
  travel?: boolean;
}) {
  const { weights } = props;
  const rows = props.rows.map((r, i) => ({ ...r, rank: r.rank ?? i + 1 }));
  return (
    <Table
      size="small"
      rowKey="userId"
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      dataSource={rows}
      columns={[
        { title: <Nowrap>排名</Nowrap>, dataIndex: 'rank' },
        {
          title: <Nowrap>候选师傅</Nowrap>,
          dataIndex: 'name',
          render: (n: string) => <Nowrap>{n}</Nowrap>,
        },
        { title: '总分', dataIndex: 'score', render: (s: number) => s.toFixed(3) },
        ...GRADE_NAMES.map((g) => ({
          title: (
            <Tooltip title={`权重 ${weights[g]}`}>
              <Nowrap>{GRADE_LABELS[g]}</Nowrap>
            </Tooltip>
          ),
          key: g,
          render: (_: unknown, r: RankedCandidate) => (
            <Tooltip title={`分项 ${r.grades[g].grade.toFixed(2)} × 权重 ${r.grades[g].weight}`}>
              {r.grades[g].grade.toFixed(2)}
            </Tooltip>
          ),
        })),
        ...(props.travel
          ? [
              {
                title: <Nowrap>路程</Nowrap>,
                key: 'travel',
                render: (_: unknown, r: RankedCandidate) => <Nowrap>{travelText(r as ExplainedCandidate)}</Nowrap>,
              },
            ]
          : []),
      ]}
    />
  );
}

/** How many candidates each hard filter excluded; the names too when the decision kept them. */
function ExclusionSummary(props: {
  counts: CompactRoutingDecision['excludedByReason'];
  excluded: CompactRoutingDecision['excluded'];
}) {
  const reasons = EXCLUSION_REASONS.filter((r) => (props.counts[r] ?? 0) > 0);
  if (reasons.length === 0) return null;
  return (
    <div style={{ marginTop: 4, fontSize: 12 }} data-testid="routing-exclusions">
      <Typography.Text type="secondary">排除：</Typography.Text>
      {reasons.map((r) => (
        <span key={r} style={{ marginRight: 12 }} data-testid={`exclusion-${r}`}>
          {EXCLUSION_LABELS[r]} {props.counts[r]} 人
        </span>
      ))}
      {props.excluded && props.excluded.length > 0 && (
        <div>
          {props.excluded.map((x) => (
            <span key={x.userId} style={{ marginRight: 12 }}>
              {x.name}（{x.reasons.map((r) => EXCLUSION_LABELS[r]).join('、')}）
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** The full candidate list, recomputed on request with current data (not stored with decisions). */
function RoutingExplanation({ orderId }: { orderId: number }) {
  const services = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [full, setFull] = useState<RoutingExplanationView | null>(null);
  const load = () => {
    setBusy(true);
    setError(null);
    services.orders
      .explainRouting(orderId)
      .then(setFull)
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <div data-testid="routing-explain">
      <Button size="small" loading={busy} onClick={load} data-testid="routing-explain-button">
        查看完整候选名单（按当前数据重新计算）
      </Button>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 8 }} />}
      {full && (
        <div style={{ marginTop: 8 }} data-testid="routing-explain-result" data-ranked={full.ranked.length}>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 8 }}
            title={`按 ${dateTime(full.recomputedAt)} 的当前数据重新计算，不是派单当时的结果；师傅的排班、请假、负载变化后会不同。`}
          />
          <div style={{ marginBottom: 4, fontSize: 12 }}>
            <Typography.Text type="secondary">
              共 {full.considered} 名师傅，{full.eligible} 名符合条件，{full.excluded.length} 名被排除
            </Typography.Text>
          </div>
          {full.ranked.length > 0 && (
            <div data-testid="routing-explain-ranked">
              <CandidateTable rows={full.ranked} weights={full.weights} travel />
            </div>
          )}
          {full.excluded.length > 0 && (
            <Table
              size="small"
              rowKey="userId"
              style={{ marginTop: 8 }}
              pagination={full.excluded.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              dataSource={full.excluded}
              columns={[
                {
                  title: <Nowrap>被排除的师傅</Nowrap>,
                  dataIndex: 'name',
                  render: (n: string) => <Nowrap>{n}</Nowrap>,
                },
                {
                  title: '原因',
                  dataIndex: 'reasons',
                  render: (rs: RoutingExplanationView['excluded'][number]['reasons']) =>
                    rs.map((r) => EXCLUSION_LABELS[r]).join('、'),
                },
              ]}
            />
          )}
        </div>
      )}
    </div>
  );
}

import {
  DEFAULT_SURVEY_CADENCE,
  DEFAULT_SURVEY_OPEN_DAYS,
  DEFAULT_SURVEY_REMIND_DAYS,
  SURVEY_CADENCE_LABELS,
  SURVEY_CADENCES,
  SURVEY_OPEN_DAYS_MAX,
  SURVEY_STATUS_LABELS,
  type SurveyCadence,
  type SurveyPeriodView,
  type SurveyScheduleInput,
  type SurveyScheduleView,
  type SurveyStatusValue,
  type Trend,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { useCurrentUser } from '../../auth/session';
import { dateTime, num, pct, points } from '../../components/format';

const COLORS: Record<SurveyStatusValue, string> = { draft: 'default', open: 'green', closed: 'blue' };

/** `↑ 3.2` / `↓ 1.0` / `持平` against the previous period; nothing without one. */
function TrendTag({ trend, format }: { trend: Trend | null; format: (v: number) => string }) {
  if (!trend) return null;
  const { change, previous } = trend;
  const flat = Math.abs(change) < 1e-9;
  return (
    <Tooltip title={`上期 ${format(previous)}`}>
      <Typography.Text type={flat ? 'secondary' : change > 0 ? 'success' : 'danger'} style={{ marginLeft: 6 }}>
        {flat ? '持平' : `${change > 0 ? '↑' : '↓'} ${format(Math.abs(change))}`}
      </Typography.Text>
    </Tooltip>
  );
}

interface ScheduleForm {
  scope: number | 'company';
  cadence: SurveyCadence;
  openDays: number;
  remindDaysBefore: number;
  enabled: boolean;
}

/**
 * 定期调查: the periods the schedules opened (response rate, ACSI and NPS with the trend against
 * the community's previous period), and for admins the schedules, "open now" and "close".
 */
export function PeriodicSurveys({ onResults }: { onResults: (s: { id: number; title: string }) => void }) {
  const services = useServices();
  const user = useCurrentUser();
  const { message } = App.useApp();
  const isAdmin = user.role === 'admin';
  const [communityId, setCommunityId] = useState<number | undefined>();
  const communities = useRequest((s) => s.lookups.communities(), []);
  const periods = useRequest((s) => s.surveys.periods({ communityId }), [communityId]);
  const schedules = useRequest((s) => (isAdmin ? s.surveys.schedules() : Promise.resolve([])), [isAdmin]);
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [form] = Form.useForm<ScheduleForm>();
  const [opening, setOpening] = useState(false);
  const [openCommunity, setOpenCommunity] = useState<number | undefined>();
  const communityOptions = (communities.data ?? []).map((c) => ({ value: c.id, label: c.name }));

  const edit = (s?: SurveyScheduleView) => {
    form.setFieldsValue({
      scope: s?.communityId ?? 'company',
      cadence: s?.cadence ?? DEFAULT_SURVEY_CADENCE,
      openDays: s?.openDays ?? DEFAULT_SURVEY_OPEN_DAYS,
      remindDaysBefore: s?.remindDaysBefore ?? DEFAULT_SURVEY_REMIND_DAYS,
      enabled: s?.enabled ?? true,
    });
    setSaveError(null);
    setEditing(true);
  };

  const save = async () => {
    const v = await form.validateFields();
    const body: SurveyScheduleInput = {
      communityId: v.scope === 'company' ? null : v.scope,
      cadence: v.cadence,
      openDays: v.openDays,
      remindDaysBefore: v.remindDaysBefore,
      enabled: v.enabled,
    };
    setSaving(true);
    setSaveError(null);
    try {
      await services.surveys.saveSchedule(body);
      void message.success('调查计划已保存');
      setEditing(false);
      schedules.reload();
    } catch (e) {
      setSaveError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const openNow = async () => {
    if (!openCommunity) return;
    try {
      await services.surveys.openNow(openCommunity);
      void message.success('本期调查已开启，已通知小区住户');
      setOpening(false);
      periods.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const close = async (p: SurveyPeriodView) => {
    try {
      await services.surveys.move(p.surveyId, 'close');
      void message.success('调查已结束');
    } catch (e) {
      void message.error(errorText(e));
    }
    periods.reload();
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      {isAdmin && (
        <Card
          size="small"
          title="调查计划"
          extra={
            <Space>
              <Button onClick={() => setOpening(true)}>立即开启本期</Button>
              <Button type="primary" onClick={() => edit()}>
                设置计划
              </Button>
            </Space>
          }
        >
          {schedules.error && <Alert type="error" showIcon title={schedules.error} />}
          <Table<SurveyScheduleView>
            data-testid="survey-schedules-table"
            size="small"
            rowKey="id"
            loading={schedules.loading}
            dataSource={schedules.data ?? []}
            pagination={false}
            locale={{ emptyText: '尚未设置：设置后每期自动开启满意度调查并通知住户' }}
            columns={[
              {
                title: '范围',
                dataIndex: 'communityName',
                render: (name: string | null) => name ?? '全公司（未单独设置的小区）',
              },
              {
                title: '频率',
                dataIndex: 'cadence',
                width: 90,
                render: (c: SurveyCadence) => SURVEY_CADENCE_LABELS[c],
              },
              { title: '开放天数', dataIndex: 'openDays', width: 90 },
              {
                title: '截止前提醒',
                dataIndex: 'remindDaysBefore',
                width: 100,
                render: (d: number) => (d > 0 ? `${d} 天` : '不提醒'),
              },
              {
                title: '下期开启',
                key: 'next',
                width: 200,
                render: (_: unknown, s) =>
                  s.enabled ? `${s.nextPeriodKey ?? ''} · ${dateTime(s.nextOpensAt)}` : <Tag>已停用</Tag>,
              },
              {
                title: '操作',
                key: 'ops',
                width: 80,
                render: (_: unknown, s) => (
                  <Button size="small" type="link" onClick={() => edit(s)}>
                    修改
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card
        size="small"
        title="各期调查"
        extra={
          <Select
            allowClear
            placeholder="全部小区"
            style={{ width: 160 }}
            value={communityId}
            onChange={setCommunityId}
            options={communityOptions}
          />
        }
      >
        {periods.error && <Alert type="error" showIcon title={periods.error} style={{ marginBottom: 12 }} />}
        <Table<SurveyPeriodView>
          data-testid="survey-periods-table"
          size="small"
          rowKey="surveyId"
          loading={periods.loading}
          dataSource={periods.data ?? []}
          pagination={{ pageSize: 10, showSizeChanger: false }}
          columns={[
            { title: '期间', dataIndex: 'periodKey', width: 90 },
            { title: '小区', dataIndex: 'communityName', width: 120 },
            {
              title: '状态',
              dataIndex: 'status',
              width: 80,
              render: (s: SurveyStatusValue) => <Tag color={COLORS[s]}>{SURVEY_STATUS_LABELS[s]}</Tag>,
            },
            { title: '截止', dataIndex: 'endsAt', width: 150, render: dateTime },
            {
              title: '提醒',
              dataIndex: 'remindedAt',
              width: 150,
              render: (at: string | null) => (at ? dateTime(at) : '—'),
            },
            {
              title: '答卷户比例',
              key: 'rate',
              width: 170,
              render: (_: unknown, p) => (
                <span data-testid={`response-rate-${p.surveyId}`}>
                  {pct(p.responseRate)}（{p.respondingHouseholds}/{p.households} 户）
                  <TrendTag trend={p.trend.responseRate} format={(v) => pct(v)} />
                </span>
              ),
            },
            {
              title: 'ACSI',
              key: 'acsi',
              width: 120,
              render: (_: unknown, p) => (
                <>
                  {points(p.acsi)}
                  <TrendTag trend={p.trend.acsi} format={(v) => points(v)} />
                </>
              ),
            },
            {
              title: 'NPS',
              key: 'nps',
              width: 120,
              render: (_: unknown, p) => (
                <>
                  {num(p.nps, 1)}
                  <TrendTag trend={p.trend.nps} format={(v) => num(v, 1)} />
                </>
              ),
            },
            {
              title: '操作',
              key: 'ops',
              width: 120,
              render: (_: unknown, p) => (
                <Space>
                  <Button size="small" type="link" onClick={() => onResults({ id: p.surveyId, title: p.title })}>
                    结果
                  </Button>
                  {isAdmin && p.status === 'open' && (
                    <Popconfirm title="提前结束后不再接受答卷，确定结束？" onConfirm={() => void close(p)}>
                      <Button size="small" type="link" danger>
                        结束
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        title="定期调查计划"
        open={editing}
        onCancel={() => setEditing(false)}
        onOk={() => void save()}
        okText="保存"
        okButtonProps={{ loading: saving }}
        forceRender
      >
        <Form form={form} layout="vertical">
          {saveError && <Alert type="error" showIcon title={saveError} style={{ marginBottom: 12 }} />}
          <Form.Item name="scope" label="范围" extra="单独设置的小区按自己的计划，不再跟随全公司计划">
            <Select options={[{ value: 'company', label: '全公司' }, ...communityOptions]} />
          </Form.Item>
          <Form.Item name="cadence" label="频率">
            <Select options={SURVEY_CADENCES.map((c) => ({ value: c, label: SURVEY_CADENCE_LABELS[c] }))} />
          </Form.Item>
          <Form.Item
            name="openDays"
            label="每期开放天数（自每期第一天起）"
            rules={[{ required: true, message: '请填写开放天数' }]}
          >
            <InputNumber min={1} max={SURVEY_OPEN_DAYS_MAX} precision={0} />
          </Form.Item>
          <Form.Item
            name="remindDaysBefore"
            label="截止前几天提醒未作答的住户（0 为不提醒）"
            dependencies={['openDays']}
            rules={[
              { required: true, message: '请填写提醒天数' },
              ({ getFieldValue }) => ({
                validator: (_r, v: number) =>
                  v < getFieldValue('openDays') ? Promise.resolve() : Promise.reject(new Error('须少于开放天数')),
              }),
            ]}
          >
            <InputNumber min={0} max={SURVEY_OPEN_DAYS_MAX - 1} precision={0} />
          </Form.Item>
          <Form.Item name="enabled" label="启用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title="立即开启本期调查"
        open={opening}
        onCancel={() => setOpening(false)}
        onOk={() => void openNow()}
        okText="开启并通知住户"
        okButtonProps={{ disabled: !openCommunity }}
      >
        <Select
          placeholder="选择小区"
          style={{ width: '100%' }}
          value={openCommunity}
          onChange={setOpenCommunity}
          options={communityOptions}
        />
      </Modal>
    </Space>
  );
}

/**
 * The latest scheduled period of each community (or of one), beside the order-based scores on
 * the dashboard: ACSI, NPS and the response rate with the change against the previous period.
 * Admins and supervisors (the periods API is theirs).
 */
export function LatestSurveyPeriods({ communityId }: { communityId: number | null }) {
  const periods = useRequest((s) => s.surveys.periods({ communityId: communityId ?? undefined }), [communityId]);
  const latest = [
    ...new Map([...(periods.data ?? [])].reverse().map((p) => [p.communityId, p] as const)).values(),
  ].sort((x, y) => x.communityName.localeCompare(y.communityName, 'zh-CN'));
  return (
    <Card size="small" title="社区满意度调查（最近一期，与上期相比）">
      {periods.error && <Alert type="error" showIcon title={periods.error} />}
      <Table<SurveyPeriodView>
        data-testid="table-survey-periods"
        size="small"
        rowKey="surveyId"
        loading={periods.loading}
        pagination={false}
        dataSource={latest}
        locale={{ emptyText: '尚无定期调查：在「满意度调查」页设置调查计划' }}
        columns={[
          { title: '小区', dataIndex: 'communityName' },
          { title: '期间', dataIndex: 'periodKey', width: 100 },
          {
            title: '状态',
            dataIndex: 'status',
            width: 80,
            render: (s: SurveyStatusValue) => <Tag color={COLORS[s]}>{SURVEY_STATUS_LABELS[s]}</Tag>,
          },
          {
            title: '顾客满意度指数（ACSI）',
            key: 'acsi',
            render: (_: unknown, p) => (
              <>
                {points(p.acsi)}
                <TrendTag trend={p.trend.acsi} format={(v) => points(v)} />
              </>
            ),
          },
          {
            title: '净推荐值（NPS）',
            key: 'nps',
            render: (_: unknown, p) => (
              <>
                {num(p.nps, 1)}
                <TrendTag trend={p.trend.nps} format={(v) => num(v, 1)} />
              </>
            ),
          },
          {
            title: '答卷户比例',
            key: 'rate',
            render: (_: unknown, p) => (
              <>
                {pct(p.responseRate)}（{p.respondingHouseholds}/{p.households} 户）
                <TrendTag trend={p.trend.responseRate} format={(v) => pct(v)} />
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}

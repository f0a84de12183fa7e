import {
  ACSI_ITEM_LABELS,
  ACSI_ITEMS,
  SERVPERF_DIMENSIONS,
  SERVPERF_LABELS,
  SURVEY_STATUS_LABELS,
  SURVEY_STATUS_VALUES,
  type SurveyStatusValue,
  type SurveyView,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { useCurrentUser } from '../../auth/session';
import { Metric } from '../../components/Metric';
import { dateTime, num, pct, points } from '../../components/format';
import { PeriodicSurveys } from './periodic';

const COLORS: Record<SurveyStatusValue, string> = { draft: 'default', open: 'green', closed: 'blue' };

interface CreateForm {
  communityId: number;
  title: string;
  period: [Dayjs, Dayjs];
  weights?: [number, number, number];
}

/**
 * Community surveys: 定期调查 (the schedules and the periods they open, with the trend against
 * the previous period) and 全部调查 (create by hand, open, close); results of either.
 */
export default function SurveysPage() {
  const [results, setResults] = useState<{ id: number; title: string } | null>(null);
  return (
    <>
      <Tabs
        items={[
          { key: 'periodic', label: '定期调查', children: <PeriodicSurveys onResults={setResults} /> },
          { key: 'all', label: '全部调查', children: <SurveyList onResults={setResults} /> },
        ]}
      />
      <ResultsDrawer survey={results} onClose={() => setResults(null)} />
    </>
  );
}

/** Every survey: create (admin), open, close. */
function SurveyList({ onResults }: { onResults: (s: { id: number; title: string }) => void }) {
  const services = useServices();
  const user = useCurrentUser();
  const { message } = App.useApp();
  const isAdmin = user.role === 'admin';
  const [communityId, setCommunityId] = useState<number | undefined>();
  const [status, setStatus] = useState<SurveyStatusValue | undefined>();
  const communities = useRequest((s) => s.lookups.communities(), []);
  const surveys = useRequest((s) => s.surveys.list({ communityId, status }), [communityId, status]);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<CreateForm>();

  const create = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setCreateError(null);
    try {
      await services.surveys.create({
        communityId: v.communityId,
        title: v.title,
        startsAt: v.period[0].startOf('day').toISOString(),
        endsAt: v.period[1].endOf('day').toISOString(),
        weights: v.weights?.every((w) => typeof w === 'number') ? v.weights : undefined,
      });
      void message.success('调查已创建（草稿）');
      setCreating(false);
      surveys.reload();
    } catch (e) {
      setCreateError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const move = async (s: SurveyView, step: 'open' | 'close') => {
    try {
      await services.surveys.move(s.id, step);
      void message.success(step === 'open' ? '调查已开启' : '调查已结束');
    } catch (e) {
      void message.error(errorText(e));
    }
    surveys.reload();
  };

  return (
    <Card
      size="small"
      title="满意度调查"
      extra={
        <Space>
          <Select
            allowClear
            placeholder="全部小区"
            style={{ width: 160 }}
            value={communityId}
            onChange={setCommunityId}
            options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Select
            allowClear
            placeholder="全部状态"
            style={{ width: 120 }}
            value={status}
            onChange={setStatus}
            options={SURVEY_STATUS_VALUES.map((s) => ({ value: s, label: SURVEY_STATUS_LABELS[s] }))}
          />
          {isAdmin && (
            <Button
              type="primary"
              onClick={() => {
                form.resetFields();
                setCreateError(null);
                setCreating(true);
              }}
            >
              新建调查
            </Button>
          )}
        </Space>
      }
    >
      {surveys.error && <Alert type="error" showIcon title={surveys.error} style={{ marginBottom: 12 }} />}
      <Table<SurveyView>
        data-testid="surveys-table"
        size="small"
        rowKey="id"
        loading={surveys.loading}
        dataSource={surveys.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        columns={[
          { title: '标题', dataIndex: 'title' },
          { title: '小区', dataIndex: 'communityName', width: 120 },
          { title: '开始', dataIndex: 'startsAt', width: 150, render: dateTime },
          { title: '结束', dataIndex: 'endsAt', width: 150, render: dateTime },
          {
            title: '状态',
            dataIndex: 'status',
            width: 80,
            render: (s: SurveyStatusValue) => <Tag color={COLORS[s]}>{SURVEY_STATUS_LABELS[s]}</Tag>,
          },
          { title: '答卷', dataIndex: 'responses', width: 70, render: (n?: number) => n ?? '—' },
          {
            title: '操作',
            key: 'ops',
            width: 170,
            render: (_: unknown, s) => (
              <Space>
                <Button size="small" type="link" onClick={() => onResults(s)}>
                  结果
                </Button>
                {isAdmin && s.status === 'draft' && (
                  <Popconfirm title="开启后业主即可作答，确定开启？" onConfirm={() => void move(s, 'open')}>
                    <Button size="small" type="link">
                      开启
                    </Button>
                  </Popconfirm>
                )}
                {isAdmin && s.status === 'open' && (
                  <Popconfirm title="结束后不再接受答卷，确定结束？" onConfirm={() => void move(s, 'close')}>
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
      <Modal
        title="新建调查"
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => void create()}
        okText="创建"
        okButtonProps={{ loading: saving }}
        forceRender
      >
        <Form form={form} layout="vertical">
          {createError && <Alert type="error" showIcon title={createError} style={{ marginBottom: 12 }} />}
          <Form.Item name="communityId" label="小区" rules={[{ required: true, message: '请选择小区' }]}>
            <Select options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
            <Input placeholder="2026 年度物业服务满意度调查" />
          </Form.Item>
          <Form.Item name="period" label="调查期间" rules={[{ required: true, message: '请选择期间' }]}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item label="满意度指数（ACSI）三题权重（留空为等权）">
            <Space>
              {ACSI_ITEMS.map((item, i) => (
                <Form.Item key={item} name={['weights', i]} noStyle>
                  <InputNumber placeholder={ACSI_ITEM_LABELS[item]} style={{ width: 140 }} />
                </Form.Item>
              ))}
            </Space>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function ResultsDrawer({ survey, onClose }: { survey: { id: number; title: string } | null; onClose: () => void }) {
  const results = useRequest((s) => (survey ? s.surveys.results(survey.id) : null), [survey?.id]);
  const r = survey && results.data?.surveyId === survey.id ? results.data : null;
  return (
    <Drawer title={survey ? `调查结果：${survey.title}` : ''} open={!!survey} onClose={onClose} size={620}>
      {results.error && <Alert type="error" showIcon title={results.error} />}
      {r && (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Row gutter={12}>
            <Col span={8}>
              <Metric
                name="survey-acsi"
                title="顾客满意度指数（ACSI）"
                definition="顾客满意度指数（ACSI，美国顾客满意度指数的方法）：三题（总体满意、符合预期、与理想相比）按权重的均分折算为 0-100，越高越满意"
                value={r.acsi}
                format={(v) => points(v)}
              />
            </Col>
            <Col span={8}>
              <Metric
                name="survey-nps"
                title="净推荐值（NPS）"
                definition="净推荐值（NPS）：“是否愿意向亲友推荐”打 9-10 分的推荐者占比减去 0-6 分的贬损者占比，-100 到 100，正数表示推荐者多于贬损者"
                value={r.nps.nps}
                format={(v) => num(v, 1)}
                extra={`${r.nps.n} 人作答`}
              />
            </Col>
            <Col span={8}>
              <Metric
                name="survey-response-rate"
                title="答卷户比例"
                definition="作答户数 / 小区总户数"
                value={r.responseRate}
                format={(v) => pct(v)}
                extra={`${r.respondingHouseholds} / ${r.households} 户`}
              />
            </Col>
          </Row>
          <Descriptions size="small" bordered column={2} title="答卷">
            <Descriptions.Item label="答卷数">{r.responses}</Descriptions.Item>
            <Descriptions.Item label="作答户数 / 总户数">
              {r.respondingHouseholds} / {r.households}
            </Descriptions.Item>
            <Descriptions.Item label="推荐者（9-10）">{r.nps.promoters}</Descriptions.Item>
            <Descriptions.Item label="贬损者（0-6）">{r.nps.detractors}</Descriptions.Item>
          </Descriptions>
          <Descriptions size="small" bordered column={1} title="满意度题项均分（ACSI，1-10 分）">
            {ACSI_ITEMS.map((i) => (
              <Descriptions.Item key={i} label={ACSI_ITEM_LABELS[i]}>
                {num(r.means[i], 2)}
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Descriptions size="small" bordered column={1} title="服务质量各维度均分（SERVPERF，1-5 分）">
            {SERVPERF_DIMENSIONS.map((d) => (
              <Descriptions.Item key={d} label={SERVPERF_LABELS[d]}>
                {num(r.servperf[d], 2)}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Space>
      )}
    </Drawer>
  );
}

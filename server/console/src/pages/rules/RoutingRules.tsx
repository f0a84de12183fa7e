import {
  DEFAULT_ROUTING_WEIGHTS,
  GRADE_LABELS,
  GRADE_NAMES,
  PRIORITY_LABELS,
  ROUTING_MODE_LABELS,
  ROUTING_MODES,
  type Priority,
  type RoutingMode,
  type RoutingRuleInput,
  type RoutingRuleView,
  type RoutingWeights,
} from '@linli/shared';
import { Alert, Descriptions, Form, InputNumber, Select, Space, Switch, Tag } from 'antd';
import { useServices } from '../../api/services';
import { CrudCard } from '../../components/CrudCard';
import { dateTime } from '../../components/format';
import { enabledTag, PRIORITY_OPTIONS, ScopeFields, useScopeOptions, type ScopeOptions } from './options';
import { ScopePreview } from './ScopePreview';

interface RuleForm {
  communityId?: number;
  category?: string;
  priority?: Priority;
  mode: RoutingMode;
  teamId?: number;
  offerTimeoutSeconds?: number;
  maxRefusals?: number;
  customWeights: boolean;
  weights: RoutingWeights;
  enabled: boolean;
}

const toForm = (r: RoutingRuleView | null): RuleForm => ({
  communityId: r?.communityId ?? undefined,
  category: r?.category ?? undefined,
  priority: r?.priority ?? undefined,
  mode: r?.mode ?? 'auto',
  teamId: r?.teamId ?? undefined,
  offerTimeoutSeconds: r?.offerTimeoutSeconds,
  maxRefusals: r?.maxRefusals,
  customWeights: !!r?.weights,
  weights: { ...(r?.weights ?? DEFAULT_ROUTING_WEIGHTS) },
  enabled: r?.enabled ?? true,
});

const toInput = (f: RuleForm): RoutingRuleInput => ({
  communityId: f.communityId ?? null,
  category: f.category ?? null,
  priority: f.priority ?? null,
  mode: f.mode,
  teamId: f.teamId ?? null,
  offerTimeoutSeconds: f.offerTimeoutSeconds ?? undefined,
  maxRefusals: f.maxRefusals ?? undefined,
  weights: f.customWeights ? f.weights : null,
  enabled: f.enabled,
});

/** The rule form's fields; the offer limits show for offer mode, the weights when customised. */
function RuleFields({ scope }: { scope: ScopeOptions }) {
  const form = Form.useFormInstance<RuleForm>();
  const customWeights = Form.useWatch('customWeights', form);
  const mode = Form.useWatch('mode', form);
  return (
    <>
      <ScopeFields scope={scope}>
        <Form.Item name="priority" label="优先级">
          <Select allowClear placeholder="全部" style={{ width: 130 }} options={PRIORITY_OPTIONS} />
        </Form.Item>
      </ScopeFields>
      <Space wrap>
        <Form.Item name="mode" label="派单方式" rules={[{ required: true, message: '请选择派单方式' }]}>
          <Select
            data-testid="rule-mode"
            style={{ width: 150 }}
            options={ROUTING_MODES.map((m) => ({ value: m, label: ROUTING_MODE_LABELS[m] }))}
          />
        </Form.Item>
        <Form.Item name="teamId" label="限定班组">
          <Select allowClear placeholder="不限" style={{ width: 150 }} options={scope.teamOptions} />
        </Form.Item>
        <Form.Item name="enabled" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      {mode === 'offer' && (
        <Space wrap>
          <Form.Item name="offerTimeoutSeconds" label="接单时限（秒）">
            <InputNumber placeholder="300" style={{ width: 150 }} />
          </Form.Item>
          <Form.Item name="maxRefusals" label="最多拒单次数">
            <InputNumber placeholder="3" style={{ width: 150 }} />
          </Form.Item>
        </Space>
      )}
      <Form.Item name="customWeights" label="自定义评分权重" valuePropName="checked">
        <Switch />
      </Form.Item>
      {customWeights && (
        <Space wrap>
          {GRADE_NAMES.map((g) => (
            <Form.Item key={g} name={['weights', g]} label={GRADE_LABELS[g]}>
              <InputNumber step={0.05} style={{ width: 100 }} />
            </Form.Item>
          ))}
        </Space>
      )}
    </>
  );
}

/** Routing rules (派单规则) and their weights, with a preview of which rule an order would follow. */
export function RoutingRules() {
  const { routingRules } = useServices();
  const scope = useScopeOptions(true);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <CrudCard<RoutingRuleView, RuleForm, RoutingRuleInput>
        title="派单规则"
        service={routingRules}
        toForm={toForm}
        toInput={toInput}
        fields={<RuleFields scope={scope} />}
        texts={{
          add: '新增规则',
          addTitle: '新增派单规则',
          editTitle: (r) => `编辑派单规则 #${r.id}`,
          confirmDelete: '删除这条规则？',
          saved: '派单规则已保存，新工单将按新规则派单',
        }}
        table={{ scroll: { x: 900 }, fixedActions: true }}
        modalWidth={640}
        requiredMark="optional"
        testIds={{ table: 'rules-table', add: 'rule-new', save: 'rule-save', edit: (r) => `rule-edit-${r.id}` }}
        columns={[
          { title: '#', dataIndex: 'id', width: 50 },
          { title: '小区', dataIndex: 'communityId', render: scope.communityName },
          { title: '类别', dataIndex: 'category', render: scope.categoryName },
          {
            title: '优先级',
            dataIndex: 'priority',
            width: 90,
            render: (p: Priority | null) => (p ? PRIORITY_LABELS[p] : '全部'),
          },
          {
            title: '派单方式',
            dataIndex: 'mode',
            width: 100,
            render: (m: RoutingMode) => <Tag color="blue">{ROUTING_MODE_LABELS[m]}</Tag>,
          },
          { title: '班组', dataIndex: 'teamId', render: scope.teamName },
          {
            title: '权重',
            dataIndex: 'weights',
            render: (w: RoutingWeights | null) =>
              w ? GRADE_NAMES.map((g) => `${GRADE_LABELS[g]} ${w[g]}`).join(' / ') : '默认',
          },
          { title: '启用', dataIndex: 'enabled', width: 60, render: enabledTag },
          { title: '更新时间', dataIndex: 'updatedAt', width: 140, render: dateTime },
        ]}
      />
      <ScopePreview title="规则预览：新工单会按哪条规则派单" scope={scope} load={routingRules.preview}>
        {(result) => (
          <div style={{ marginTop: 12 }} data-testid="rule-preview">
            {result.rule ? (
              <Descriptions size="small" column={4} bordered>
                <Descriptions.Item label="规则">#{result.rule.id}</Descriptions.Item>
                <Descriptions.Item label="派单方式">{ROUTING_MODE_LABELS[result.rule.mode]}</Descriptions.Item>
                <Descriptions.Item label="班组">{scope.teamName(result.rule.teamId)}</Descriptions.Item>
                <Descriptions.Item label="权重">{result.rule.weights ? '自定义' : '默认'}</Descriptions.Item>
              </Descriptions>
            ) : (
              <Alert type="info" showIcon title="没有匹配的启用规则：按系统默认方式派单" />
            )}
          </div>
        )}
      </ScopePreview>
    </Space>
  );
}

import {
  DEFAULT_SLA_TARGETS,
  PRIORITY_LABELS,
  type BusinessCalendar,
  type Priority,
  type SlaPolicyInput,
  type SlaPolicyView,
  type Weekday,
} from '@linli/shared';
import { Button, Descriptions, Form, Input, Select, Space, Switch } from 'antd';
import { useServices } from '../../api/services';
import { CrudCard } from '../../components/CrudCard';
import { DurationInput } from '../../components/DurationInput';
import { minutes } from '../../components/format';
import {
  enabledTag,
  hhmm,
  parseHhmm,
  PRIORITY_OPTIONS,
  ScopeFields,
  useScopeOptions,
  WEEKDAY_LABELS,
  type ScopeOptions,
} from './options';
import { ScopePreview } from './ScopePreview';

interface PolicyForm {
  communityId?: number;
  category?: string;
  priority: Priority;
  acceptMinutes: number;
  byAppointment: boolean;
  arriveMinutes?: number;
  resolveMinutes: number;
  businessHours: boolean;
  days: Array<{ weekday: Weekday; start: string; end: string }>;
  holidays: string;
  enabled: boolean;
}

const calendarText = (c: BusinessCalendar | null) =>
  c
    ? c.days.map((d) => `${WEEKDAY_LABELS[d.weekday]} ${hhmm(d.startMinute)}-${hhmm(d.endMinute)}`).join('，') +
      (c.holidays?.length ? `；节假日 ${c.holidays.length} 天` : '')
    : '全天候';

function toForm(p: SlaPolicyView | null): PolicyForm {
  const priority = p?.priority ?? 'P3';
  const d = DEFAULT_SLA_TARGETS[priority];
  return {
    communityId: p?.communityId ?? undefined,
    category: p?.category ?? undefined,
    priority,
    acceptMinutes: p?.acceptMinutes ?? d.acceptMinutes,
    byAppointment: p ? p.arriveMinutes === null : d.arriveMinutes === null,
    arriveMinutes: (p ? p.arriveMinutes : d.arriveMinutes) ?? undefined,
    resolveMinutes: p?.resolveMinutes ?? d.resolveMinutes,
    businessHours: !!p?.calendar,
    days: (p?.calendar?.days ?? []).map((x) => ({
      weekday: x.weekday,
      start: hhmm(x.startMinute),
      end: hhmm(x.endMinute),
    })),
    holidays: (p?.calendar?.holidays ?? []).join('\n'),
    enabled: p?.enabled ?? true,
  };
}

function toInput(f: PolicyForm): SlaPolicyInput {
  return {
    communityId: f.communityId ?? null,
    category: f.category ?? null,
    priority: f.priority,
    acceptMinutes: f.acceptMinutes,
    arriveMinutes: f.byAppointment ? null : (f.arriveMinutes ?? null),
    resolveMinutes: f.resolveMinutes,
    calendar: f.businessHours
      ? {
          days: (f.days ?? []).map((d) => ({
            weekday: d.weekday,
            startMinute: parseHhmm(d.start),
            endMinute: parseHhmm(d.end),
          })),
          holidays: f.holidays
            .split(/[\s,，]+/)
            .map((h) => h.trim())
            .filter(Boolean),
        }
      : null,
    enabled: f.enabled,
  };
}

/** The policy form's fields; the arrive limit hides when by appointment, the hours unless business hours. */
function PolicyFields({ scope }: { scope: ScopeOptions }) {
  const form = Form.useFormInstance<PolicyForm>();
  const byAppointment = Form.useWatch('byAppointment', form);
  const businessHours = Form.useWatch('businessHours', form);
  return (
    <>
      <ScopeFields scope={scope}>
        <Form.Item name="priority" label="优先级" rules={[{ required: true, message: '请选择优先级' }]}>
          <Select style={{ width: 130 }} options={PRIORITY_OPTIONS} />
        </Form.Item>
        <Form.Item name="enabled" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
      </ScopeFields>
      <Space wrap align="end">
        <Form.Item name="acceptMinutes" label="接单时限" rules={[{ required: true, message: '必填' }]}>
          <DurationInput testId="sla-accept" />
        </Form.Item>
        <Form.Item name="byAppointment" label="到场按预约" valuePropName="checked">
          <Switch />
        </Form.Item>
        {!byAppointment && (
          <Form.Item name="arriveMinutes" label="到场时限" rules={[{ required: true, message: '必填' }]}>
            <DurationInput testId="sla-arrive" />
          </Form.Item>
        )}
        <Form.Item name="resolveMinutes" label="完成时限" rules={[{ required: true, message: '必填' }]}>
          <DurationInput testId="sla-resolve" />
        </Form.Item>
      </Space>
      <Form.Item name="businessHours" label="仅在营业时间内计时" valuePropName="checked">
        <Switch />
      </Form.Item>
      {businessHours && (
        <>
          <Form.List name="days">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <Form.Item name={[field.name, 'weekday']} rules={[{ required: true, message: '选择星期' }]}>
                      <Select
                        style={{ width: 90 }}
                        options={WEEKDAY_LABELS.map((label, value) => ({ value, label }))}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'start']} rules={[{ required: true, message: '如 08:00' }]}>
                      <Input placeholder="08:00" style={{ width: 90 }} />
                    </Form.Item>
                    <span>至</span>
                    <Form.Item name={[field.name, 'end']} rules={[{ required: true, message: '如 18:00' }]}>
                      <Input placeholder="18:00" style={{ width: 90 }} />
                    </Form.Item>
                    <Button type="link" danger onClick={() => remove(field.name)}>
                      移除
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ weekday: 1, start: '08:00', end: '18:00' })} style={{ marginBottom: 12 }}>
                  添加时段
                </Button>
              </>
            )}
          </Form.List>
          <Form.Item name="holidays" label="节假日（yyyy-mm-dd，每行或逗号分隔）">
            <Input.TextArea rows={2} placeholder="2026-10-01" />
          </Form.Item>
        </>
      )}
    </>
  );
}

/** SLA policies (时效策略) with business hours, and what an order would be measured against. */
export function SlaPolicies() {
  const { slaPolicies } = useServices();
  const scope = useScopeOptions();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <CrudCard<SlaPolicyView, PolicyForm, SlaPolicyInput>
        title="时效策略（SLA）"
        service={slaPolicies}
        toForm={toForm}
        toInput={toInput}
        fields={<PolicyFields scope={scope} />}
        texts={{
          add: '新增策略',
          addTitle: '新增时效策略',
          editTitle: '编辑时效策略',
          confirmDelete: '删除这条策略？',
          saved: '时效策略已保存，新工单按新策略计时',
        }}
        table={{ scroll: { x: 900 }, fixedActions: true }}
        modalWidth={680}
        requiredMark="optional"
        testIds={{ table: 'sla-table' }}
        columns={[
          { title: '#', dataIndex: 'id', width: 50 },
          { title: '小区', dataIndex: 'communityId', render: scope.communityName },
          { title: '类别', dataIndex: 'category', render: scope.categoryName },
          {
            title: '优先级',
            dataIndex: 'priority',
            width: 90,
            render: (p: Priority) => PRIORITY_LABELS[p],
          },
          { title: '接单', dataIndex: 'acceptMinutes', width: 90, render: minutes },
          {
            title: '到场',
            dataIndex: 'arriveMinutes',
            width: 90,
            render: (v: number | null) => (v === null ? '预约' : minutes(v)),
          },
          { title: '完成', dataIndex: 'resolveMinutes', width: 90, render: minutes },
          { title: '计时时段', dataIndex: 'calendar', render: calendarText },
          { title: '启用', dataIndex: 'enabled', width: 60, render: enabledTag },
        ]}
      />
      <ScopePreview title="时效预览：新工单的计时标准" scope={scope} load={slaPolicies.effective}>
        {(result) => (
          <Descriptions size="small" column={5} bordered style={{ marginTop: 12 }}>
            <Descriptions.Item label="来源">
              {result.source === 'policy' ? `策略 #${result.policyId}` : '系统默认'}
            </Descriptions.Item>
            <Descriptions.Item label="接单">{minutes(result.acceptMinutes)}</Descriptions.Item>
            <Descriptions.Item label="到场">
              {result.arriveMinutes === null ? '预约' : minutes(result.arriveMinutes)}
            </Descriptions.Item>
            <Descriptions.Item label="完成">{minutes(result.resolveMinutes)}</Descriptions.Item>
            <Descriptions.Item label="计时时段">{calendarText(result.calendar)}</Descriptions.Item>
          </Descriptions>
        )}
      </ScopePreview>
    </Space>
  );
}

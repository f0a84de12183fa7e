import {
  ROLE_LABELS,
  STAFF_ROLES,
  type CategoryView,
  type CommunityOption,
  type IssuedAccount,
  type RosterView,
  type StaffRole,
  type StaffView,
  type TeamView,
  type Weekday,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { hhmm, parseHhmm, WEEKDAY_LABELS } from '../rules/options';
import { EditAccountModal, NewStaffModal, PasswordOnceModal } from './StaffAccountForms';
import { ResetPasswordButton } from './ResetPasswordButton';

interface StaffForm {
  capacity?: number;
  skills: Array<{ category: string; level: number }>;
  communityIds: number[];
  teamIds: number[];
  pattern: Array<{ weekday: Weekday; start: string; end: string }>;
}

/** Why a deactivation or role change was refused, in words. */
function refusalText(e: unknown): string {
  if (e instanceof ApiError && e.code === 'STAFF_HAS_OPEN_ORDERS') {
    const n = (e.details as { openOrders?: number } | undefined)?.openOrders ?? 0;
    return `该员工名下还有 ${n} 张未完成的工单，请先改派后再停用`;
  }
  return errorText(e);
}

/** Staff of the company: accounts (新增/编辑/停用), skills, capacity, service area, teams and weekly shifts. */
export function StaffPanel() {
  const [role, setRole] = useState<StaffRole | undefined>('technician');
  const staff = useRequest((s) => s.staff.list({ role }), [role]);
  const communities = useRequest((s) => s.lookups.communities(), []);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const teams = useRequest((s) => s.teams.list(), []);
  const [editing, setEditing] = useState<StaffView | null>(null);
  const [editingAccount, setEditingAccount] = useState<StaffView | null>(null);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<IssuedAccount[] | null>(null);
  const services = useServices();
  const { message } = App.useApp();
  const setActive = async (s: StaffView, active: boolean) => {
    try {
      await services.staff.update(s.id, { name: s.name, phone: s.phone, role: s.role, active });
      void message.success(active ? '已启用' : '已停用，该员工将立即退出登录');
      staff.reload();
    } catch (e) {
      void message.error(refusalText(e));
    }
  };
  const communityName = (id: number) => communities.data?.find((c) => c.id === id)?.name ?? `#${id}`;
  const categoryName = (code: string) => categories.data?.find((c) => c.code === code)?.name ?? code;

  return (
    <Card
      size="small"
      title="员工"
      extra={
        <Space>
          <Select
            allowClear
            data-testid="staff-role-filter"
            placeholder="全部角色"
            style={{ width: 140 }}
            value={role}
            onChange={setRole}
            options={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          />
          <Button type="primary" data-testid="staff-new" onClick={() => setCreating(true)}>
            新增员工
          </Button>
        </Space>
      }
    >
      {staff.error && <Alert type="error" showIcon title={staff.error} style={{ marginBottom: 12 }} />}
      <Table<StaffView>
        data-testid="staff-table"
        size="small"
        rowKey="id"
        loading={staff.loading}
        dataSource={staff.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        scroll={{ x: 900 }}
        columns={[
          { title: '姓名', dataIndex: 'name', width: 100 },
          { title: '用户名', dataIndex: 'username', width: 120, render: (u: string | null) => u ?? '—' },
          { title: '角色', dataIndex: 'role', width: 80, render: (r: StaffRole) => ROLE_LABELS[r] },
          {
            title: '技能',
            dataIndex: 'skills',
            render: (s: StaffView['skills']) =>
              s.map((x) => (
                <Tag key={x.category}>
                  {categoryName(x.category)} {x.level}级
                </Tag>
              )),
          },
          {
            title: '服务小区',
            dataIndex: 'communityIds',
            render: (ids: number[]) => ids.map(communityName).join('、') || '—',
          },
          {
            title: '在办/上限',
            key: 'load',
            width: 90,
            render: (_: unknown, s) => `${s.openOrders}/${s.capacity}`,
          },
          {
            title: '状态',
            key: 'state',
            width: 110,
            render: (_: unknown, s) => (
              <Space size={4}>
                {!s.active && <Tag>停用</Tag>}
                {s.onLeave ? (
                  <Tag color="orange">请假</Tag>
                ) : s.onShift ? (
                  <Tag color="green">在班</Tag>
                ) : (
                  <Tag>不在班</Tag>
                )}
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'ops',
            width: 240,
            fixed: 'right',
            render: (_: unknown, s) => (
              <Space size={0}>
                <Button size="small" type="link" onClick={() => setEditing(s)}>
                  设置
                </Button>
                <Button size="small" type="link" data-testid="staff-edit" onClick={() => setEditingAccount(s)}>
                  编辑
                </Button>
                {s.active && s.username && <ResetPasswordButton member={s} />}
                {s.active ? (
                  <Popconfirm
                    title={`停用 ${s.name}？`}
                    description="停用后该账号立即无法登录，也不再接单。"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => setActive(s, false)}
                  >
                    <Button size="small" type="link" danger data-testid="staff-deactivate">
                      停用
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button
                    size="small"
                    type="link"
                    data-testid="staff-reactivate"
                    onClick={() => void setActive(s, true)}
                  >
                    启用
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <StaffDrawer
        member={editing}
        onClose={() => setEditing(null)}
        onSaved={staff.reload}
        communities={communities.data ?? []}
        categories={categories.data ?? []}
        teams={teams.data ?? []}
      />
      {creating && (
        <NewStaffModal
          onClose={() => setCreating(false)}
          onCreated={(account) => {
            setCreating(false);
            setIssued([account]);
            staff.reload();
          }}
          communities={communities.data ?? []}
          categories={categories.data ?? []}
          teams={teams.data ?? []}
        />
      )}
      {editingAccount && (
        <EditAccountModal member={editingAccount} onClose={() => setEditingAccount(null)} onSaved={staff.reload} />
      )}
      {issued && <PasswordOnceModal accounts={issued} onClose={() => setIssued(null)} />}
    </Card>
  );
}

function StaffDrawer(props: {
  member: StaffView | null;
  onClose: () => void;
  onSaved: () => void;
  communities: CommunityOption[];
  categories: CategoryView[];
  teams: TeamView[];
}) {
  const { member } = props;
  const services = useServices();
  const { message } = App.useApp();
  const [form] = Form.useForm<StaffForm>();
  const [roster, setRoster] = useState<RosterView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const isTech = member?.role === 'technician';

  useEffect(() => {
    if (!member) return;
    setError(null);
    form.setFieldsValue({
      capacity: member.capacity,
      skills: member.skills,
      communityIds: member.communityIds,
      teamIds: member.teamIds,
      pattern: [],
    });
    services.staff
      .roster(member.id)
      .then((r) => {
        setRoster(r);
        form.setFieldValue(
          'pattern',
          r.pattern.map((p) => ({ weekday: p.weekday, start: hhmm(p.startMinute), end: hhmm(p.endMinute) })),
        );
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [member, services, form]);

  /**
   * One save for the whole form: each part that changed goes to its own API (profile, skills,
   * service area, roster), in that order; an unchanged part is not sent (nor audited).
   */
  const save = async () => {
    if (!member) return;
    const v = form.getFieldsValue(true) as StaffForm;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const pattern = (v.pattern ?? []).map((p) => ({
      weekday: p.weekday,
      startMinute: parseHhmm(p.start),
      endMinute: parseHhmm(p.end),
    }));
    setSaving('all');
    setError(null);
    try {
      if (isTech && v.capacity !== member.capacity) {
        await services.staff.setProfile(member.id, { capacity: v.capacity });
      }
      if (isTech && !same(v.skills ?? [], member.skills)) await services.staff.setSkills(member.id, v.skills ?? []);
      if (member.role !== 'admin' && !same(v.communityIds ?? [], member.communityIds)) {
        await services.staff.setServiceArea(member.id, {
          communityIds: v.communityIds ?? [],
          buildingIds: member.buildingIds,
        });
      }
      if (isTech && !same(v.teamIds ?? [], member.teamIds)) await services.staff.setTeams(member.id, v.teamIds ?? []);
      if (roster && !same(pattern, roster.pattern)) {
        await services.staff.setRoster(member.id, { pattern, exceptions: roster.exceptions });
      }
      void message.success('已保存');
      props.onSaved();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(null);
    }
  };

  return (
    <Drawer
      title={member ? `${member.name}（${ROLE_LABELS[member.role]}）` : ''}
      open={!!member}
      onClose={props.onClose}
      size={560}
      forceRender
      footer={
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={props.onClose}>取消</Button>
          <Button type="primary" data-testid="staff-save" loading={saving === 'all'} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical">
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        {isTech && (
          <>
            <Divider titlePlacement="start">接单能力</Divider>
            <Space wrap align="end">
              <Form.Item name="capacity" label="同时在办上限">
                <InputNumber style={{ width: 120 }} />
              </Form.Item>
            </Space>
            <Divider titlePlacement="start">技能</Divider>
            <Form.List name="skills">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline">
                      <Form.Item name={[f.name, 'category']}>
                        <Select
                          style={{ width: 160 }}
                          options={props.categories.map((c) => ({ value: c.code, label: c.name }))}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'level']}>
                        <Select
                          style={{ width: 100 }}
                          options={[1, 2, 3, 4, 5].map((l) => ({ value: l, label: `${l} 级` }))}
                        />
                      </Form.Item>
                      <Button type="link" danger onClick={() => remove(f.name)}>
                        移除
                      </Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({ category: props.categories[0]?.code, level: 3 })}>添加技能</Button>
                </>
              )}
            </Form.List>
            <Divider titlePlacement="start">班组</Divider>
            <Form.Item name="teamIds">
              <Select mode="multiple" options={props.teams.map((t) => ({ value: t.id, label: t.name }))} />
            </Form.Item>
          </>
        )}
        {member && member.role !== 'admin' && (
          <>
            <Divider titlePlacement="start">服务区域</Divider>
            <Space align="end" wrap>
              <Form.Item name="communityIds" label="服务小区" style={{ width: 340 }}>
                <Select mode="multiple" options={props.communities.map((c) => ({ value: c.id, label: c.name }))} />
              </Form.Item>
            </Space>
          </>
        )}
        <Divider titlePlacement="start">每周排班</Divider>
        <Typography.Paragraph type="secondary">
          未设置排班视为全天在岗。
          {roster?.exceptions.length ? `另有 ${roster.exceptions.length} 条按日调整，保存时保留。` : ''}
        </Typography.Paragraph>
        <Form.List name="pattern">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'weekday']}>
                    <Select style={{ width: 90 }} options={WEEKDAY_LABELS.map((label, value) => ({ value, label }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'start']}>
                    <Input placeholder="08:00" style={{ width: 90 }} />
                  </Form.Item>
                  <span>至</span>
                  <Form.Item name={[f.name, 'end']}>
                    <Input placeholder="18:00" style={{ width: 90 }} />
                  </Form.Item>
                  <Button type="link" danger onClick={() => remove(f.name)}>
                    移除
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ weekday: 1, start: '08:00', end: '18:00' })}>添加时段</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}

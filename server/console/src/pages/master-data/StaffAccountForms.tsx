import {
  formatShiftPattern,
  parseShiftText,
  ROLE_LABELS,
  STAFF_ROLES,
  USERNAME_PATTERN,
  type BuildingOption,
  type CategoryView,
  type CommunityOption,
  type IssuedAccount,
  type StaffRole,
  type StaffView,
  type TeamView,
} from '@linli/shared';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, errorText } from '../../api/client';
import { useServices } from '../../api/services';

const MOBILE = /^1\d{10}$/;

interface NewStaffForm {
  username: string;
  name: string;
  phone?: string;
  role: StaffRole;
  communityIds?: number[];
  buildingIds?: number[];
  skills?: Array<{ category: string; level: number }>;
  teamIds?: number[];
  shifts?: string;
}

/** The server's answer to a refused account, as the field it is about. */
function fieldErrorOf(e: unknown): { name: 'username'; errors: string[] } | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code === 'USERNAME_TAKEN') return { name: 'username', errors: ['该用户名已被使用，请换一个'] };
  return null;
}

/** The buildings of the chosen communities, for the service-area picker (empty = every building). */
function useBuildings(communityIds: number[] | undefined) {
  const services = useServices();
  const [options, setOptions] = useState<Array<{ value: number; label: string }>>([]);
  const key = (communityIds ?? []).join(',');
  useEffect(() => {
    let live = true;
    const ids = key ? key.split(',').map(Number) : [];
    void Promise.all(ids.map((id) => services.staff.buildings(id).then((bs: BuildingOption[]) => ({ id, bs })))).then(
      (all) => {
        if (!live) return;
        setOptions(all.flatMap(({ bs }) => bs.map((b) => ({ value: b.id, label: b.name }))));
      },
    );
    return () => {
      live = false;
    };
  }, [key, services]);
  return options;
}

/**
 * 新增员工: the account with its communities, buildings, skills, teams and weekly shifts, saved at
 * once. Mounted only while open (a fresh form each time, nothing hidden left in the page).
 */
export function NewStaffModal(props: {
  onClose: () => void;
  onCreated: (account: IssuedAccount) => void;
  communities: CommunityOption[];
  categories: CategoryView[];
  teams: TeamView[];
}) {
  const services = useServices();
  const [form] = Form.useForm<NewStaffForm>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const role = Form.useWatch('role', form);
  const communityIds = Form.useWatch('communityIds', form);
  const buildings = useBuildings(communityIds);

  const submit = async () => {
    // Invalid fields show their messages; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const shifts = parseShiftText(v.shifts ?? '');
    setSaving(true);
    setError(null);
    try {
      const res = await services.staff.create({
        username: v.username.trim().toLowerCase(),
        name: v.name.trim(),
        phone: v.phone?.trim() || null,
        role: v.role,
        communityIds: v.role === 'admin' ? [] : (v.communityIds ?? []),
        buildingIds: v.role === 'admin' ? [] : (v.buildingIds ?? []),
        skills: v.role === 'technician' ? (v.skills ?? []) : [],
        teamIds: v.role === 'technician' ? (v.teamIds ?? []) : [],
        pattern: shifts.pattern,
      });
      props.onCreated(res.account);
    } catch (e) {
      const field = fieldErrorOf(e);
      if (field) form.setFields([field]);
      else setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title="新增员工"
      open
      onCancel={props.onClose}
      width={640}
      footer={
        <Space>
          <Button onClick={props.onClose}>取消</Button>
          <Button type="primary" loading={saving} data-testid="staff-create-submit" onClick={() => void submit()}>
            创建账号
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" initialValues={{ role: 'technician', skills: [] }}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Space wrap align="start">
          <Form.Item
            name="username"
            label="用户名"
            style={{ width: 200 }}
            rules={[
              { required: true, message: '请填写用户名' },
              {
                validator: (_r, v: string | undefined) =>
                  !v || USERNAME_PATTERN.test(v.trim().toLowerCase())
                    ? Promise.resolve()
                    : Promise.reject(new Error('3–32 位小写字母、数字、点、下划线或连字符')),
              },
            ]}
          >
            <Input data-testid="staff-username" placeholder="如 zhang.wei" autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="name"
            label="姓名"
            style={{ width: 160 }}
            rules={[
              { required: true, whitespace: true, message: '请填写姓名' },
              { max: 50, message: '最多 50 个字符' },
            ]}
          >
            <Input data-testid="staff-name" />
          </Form.Item>
          <Form.Item
            name="phone"
            label="手机号"
            style={{ width: 160 }}
            rules={[{ pattern: MOBILE, message: '请填写 11 位手机号' }]}
          >
            <Input data-testid="staff-phone" />
          </Form.Item>
          <Form.Item
            name="role"
            label="角色"
            style={{ width: 120 }}
            rules={[{ required: true, message: '请选择角色' }]}
          >
            <Select data-testid="staff-role" options={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          </Form.Item>
        </Space>
        {role !== 'admin' ? (
          <Space wrap align="start">
            <Form.Item name="communityIds" label="服务小区" style={{ width: 290 }}>
              <Select
                mode="multiple"
                data-testid="staff-communities"
                options={props.communities.map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
            <Form.Item name="buildingIds" label="服务楼栋（不选 = 全部楼栋）" style={{ width: 290 }}>
              <Select mode="multiple" options={buildings} />
            </Form.Item>
          </Space>
        ) : (
          <Typography.Paragraph type="secondary">管理员负责全公司，无需设置服务小区。</Typography.Paragraph>
        )}
        {role === 'technician' && (
          <>
            <Form.List name="skills">
              {(fields, { add, remove }) => (
                <Form.Item label="技能与等级（1 学徒 – 5 师傅）">
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline">
                      <Form.Item name={[f.name, 'category']} rules={[{ required: true, message: '请选择类别' }]}>
                        <Select
                          style={{ width: 160 }}
                          options={props.categories.map((c) => ({ value: c.code, label: c.name }))}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'level']} rules={[{ required: true, message: '请选择等级' }]}>
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
                </Form.Item>
              )}
            </Form.List>
            <Form.Item name="teamIds" label="班组">
              <Select mode="multiple" options={props.teams.map((t) => ({ value: t.id, label: t.name }))} />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="shifts"
          label="每周排班"
          extra="如：周一至周五 08:00-17:00; 周六 09:00-12:00。留空视为全天在岗。"
          rules={[
            {
              validator: (_r, v: string | undefined) => {
                const problems = parseShiftText(v ?? '').problems;
                return problems.length ? Promise.reject(new Error(problems.join('；'))) : Promise.resolve();
              },
            },
          ]}
        >
          <Input data-testid="staff-shifts" placeholder="周一至周五 08:00-17:00" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * The new account's temporary password, shown this once (the server keeps only its hash);
 * mounted only while open, so the password leaves the page when the dialog closes.
 */
export function PasswordOnceModal({ accounts, onClose }: { accounts: IssuedAccount[]; onClose: () => void }) {
  return (
    <Modal
      title="账号已创建"
      open
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose} data-testid="password-once-close">
          我已记下
        </Button>
      }
    >
      <Alert
        type="warning"
        showIcon
        title="临时密码只显示这一次，关闭后无法再次查看。请转告员工，首次登录后须设置自己的密码。"
        style={{ marginBottom: 12 }}
      />
      <div data-testid="password-once">
        {accounts.map((a) => (
          <Typography.Paragraph key={a.userId}>
            {a.name}：用户名 <Typography.Text code>{a.username}</Typography.Text> 临时密码{' '}
            <Typography.Text code copyable data-testid="temporary-password">
              {a.temporaryPassword}
            </Typography.Text>
          </Typography.Paragraph>
        ))}
      </div>
    </Modal>
  );
}

/** 编辑: the account itself (name, phone, role), saved with PUT /api/staff/:id; mounted only while open. */
export function EditAccountModal(props: { member: StaffView; onClose: () => void; onSaved: () => void }) {
  const { member } = props;
  const services = useServices();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; phone?: string; role: StaffRole }>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    // Invalid fields show their messages; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    setError(null);
    try {
      await services.staff.update(member.id, { name: v.name.trim(), phone: v.phone?.trim() || null, role: v.role });
      void message.success('已保存');
      props.onSaved();
      props.onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={`编辑账号：${member.username ?? member.name}`}
      open
      onCancel={props.onClose}
      footer={
        <Space>
          <Button onClick={props.onClose}>取消</Button>
          <Button type="primary" loading={saving} data-testid="staff-account-save" onClick={() => void submit()}>
            保存
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: member.name, phone: member.phone ?? '', role: member.role }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form.Item
          name="name"
          label="姓名"
          rules={[
            { required: true, whitespace: true, message: '请填写姓名' },
            { max: 50, message: '最多 50 个字符' },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="phone" label="手机号" rules={[{ pattern: MOBILE, message: '请填写 11 位手机号' }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="role"
          label="角色"
          extra="更换角色后该员工需重新登录；维修师傅改为其他角色时，技能与班组会被清除，名下不能有未完成的工单。"
        >
          <Select options={STAFF_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The shift pattern as the compact text the form and the 员工 sheet use. */
export const shiftText = formatShiftPattern;

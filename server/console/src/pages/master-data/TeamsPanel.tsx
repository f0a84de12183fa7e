import type { TeamInput, TeamView } from '@linli/shared';
import { Form, Input, Select } from 'antd';
import { useServices } from '../../api/services';
import { useRequest } from '../../api/useRequest';
import { CrudCard } from '../../components/CrudCard';

interface TeamForm {
  name: string;
  supervisorId?: number;
  memberIds: number[];
}

const toForm = (t: TeamView | null): TeamForm =>
  t === null
    ? { name: '', supervisorId: undefined, memberIds: [] }
    : { name: t.name, supervisorId: t.supervisorId ?? undefined, memberIds: t.memberIds };

const toInput = (v: TeamForm): TeamInput => ({
  name: v.name,
  supervisorId: v.supervisorId,
  memberIds: v.memberIds ?? [],
});

/** The team form's fields: the company's supervisors and technicians to pick from. */
function TeamFields() {
  const staff = useRequest((s) => s.staff.list(), []);
  const people = (role: string) =>
    (staff.data ?? []).filter((s) => s.role === role).map((s) => ({ value: s.id, label: s.name }));
  return (
    <>
      <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
        <Input />
      </Form.Item>
      <Form.Item name="supervisorId" label="主管">
        <Select allowClear options={people('supervisor')} />
      </Form.Item>
      <Form.Item name="memberIds" label="成员（维修师傅）">
        <Select mode="multiple" options={people('technician')} optionFilterProp="label" />
      </Form.Item>
    </>
  );
}

/** Teams (班组): a name, a supervisor and technicians; routing rules may restrict to one. */
export function TeamsPanel() {
  const { teams } = useServices();
  return (
    <CrudCard<TeamView, TeamForm, TeamInput>
      title="班组"
      service={teams}
      toForm={toForm}
      toInput={toInput}
      fields={<TeamFields />}
      texts={{ add: '新增班组', addTitle: '新增班组', editTitle: '编辑班组', confirmDelete: '删除这个班组？' }}
      table={{ pagination: { pageSize: 10, showSizeChanger: false } }}
      columns={[
        { title: '名称', dataIndex: 'name', width: 140 },
        { title: '主管', dataIndex: 'supervisorName', width: 100, render: (n: string | null) => n ?? '—' },
        { title: '成员', dataIndex: 'members', render: (m: TeamView['members']) => m.map((x) => x.name).join('、') },
      ]}
    />
  );
}

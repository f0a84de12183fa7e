import type { StaffView, TeamView } from '@linli/shared';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useApi } from '../../auth/session';

interface TeamForm {
  name: string;
  supervisorId?: number;
  memberIds: number[];
}

/** Teams (班组): a name, a supervisor and technicians; routing rules may restrict to one. */
export function TeamsPanel() {
  const api = useApi();
  const { message } = App.useApp();
  const teams = useRequest((a) => a.get<TeamView[]>('/teams'), []);
  const staff = useRequest((a) => a.get<StaffView[]>('/staff'), []);
  const [editing, setEditing] = useState<TeamView | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<TeamForm>();
  const people = (role: string) =>
    (staff.data ?? []).filter((s) => s.role === role).map((s) => ({ value: s.id, label: s.name }));

  const open = (t: TeamView | 'new') => {
    setEditing(t);
    setError(null);
    form.setFieldsValue(
      t === 'new'
        ? { name: '', supervisorId: undefined, memberIds: [] }
        : { name: t.name, supervisorId: t.supervisorId ?? undefined, memberIds: t.memberIds },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const body = { name: v.name, supervisorId: v.supervisorId, memberIds: v.memberIds ?? [] };
      if (editing === 'new') await api.post('/teams', body);
      else if (editing) await api.put(`/teams/${editing.id}`, body);
      setEditing(null);
      teams.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (id: number) => {
    try {
      await api.delete(`/teams/${id}`);
      teams.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Card
      size="small"
      title="班组"
      extra={
        <Button type="primary" onClick={() => open('new')}>
          新增班组
        </Button>
      }
    >
      {teams.error && <Alert type="error" showIcon title={teams.error} style={{ marginBottom: 12 }} />}
      <Table<TeamView>
        size="small"
        rowKey="id"
        loading={teams.loading}
        dataSource={teams.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        columns={[
          { title: '名称', dataIndex: 'name', width: 140 },
          { title: '主管', dataIndex: 'supervisorName', width: 100, render: (n: string | null) => n ?? '—' },
          { title: '成员', dataIndex: 'members', render: (m: TeamView['members']) => m.map((x) => x.name).join('、') },
          {
            title: '操作',
            key: 'ops',
            width: 120,
            render: (_: unknown, t) => (
              <Space>
                <Button size="small" type="link" onClick={() => open(t)}>
                  编辑
                </Button>
                <Popconfirm title="删除这个班组？" onConfirm={() => void remove(t.id)}>
                  <Button size="small" type="link" danger>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title={editing === 'new' ? '新增班组' : '编辑班组'}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText="保存"
        okButtonProps={{ loading: saving }}
        forceRender
      >
        <Form form={form} layout="vertical">
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="supervisorId" label="主管">
            <Select allowClear options={people('supervisor')} />
          </Form.Item>
          <Form.Item name="memberIds" label="成员（维修师傅）">
            <Select mode="multiple" options={people('technician')} optionFilterProp="label" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

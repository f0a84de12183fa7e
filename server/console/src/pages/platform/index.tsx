import { PlusOutlined } from '@ant-design/icons';
import type { CreateCompanyRequest, CreateCompanyResponse, PlatformCompanyView } from '@linli/shared';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { useRequest } from '../../api/useRequest';

/**
 * 公司管理 (the platform operator only): every company, create one with its first admin (the
 * one-time password is shown once), deactivate or activate a company.
 */
export default function PlatformPage() {
  const services = useServices();
  const { message } = App.useApp();
  const { data, loading, error, reload } = useRequest((s) => s.platform.companies(), []);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreateCompanyResponse | null>(null);
  const [form] = Form.useForm<CreateCompanyRequest>();

  const create = async (values: CreateCompanyRequest) => {
    setBusy(true);
    try {
      const res = await services.platform.createCompany({
        name: values.name.trim(),
        adminUsername: values.adminUsername.trim(),
        adminName: values.adminName.trim(),
      });
      setOpen(false);
      form.resetFields();
      setCreated(res);
      reload();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (c: PlatformCompanyView, active: boolean) => {
    try {
      await services.platform.setActive(c.id, active);
      void message.success(active ? `已启用 ${c.name}` : `已停用 ${c.name}`);
      reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }} data-testid="platform-page">
      {error && <Alert type="error" title={error} showIcon />}
      {created && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setCreated(null)}
          data-testid="company-created"
          title={`已创建 ${created.company.name}`}
          description={
            <span>
              首位管理员账号 <Typography.Text code>{created.adminUsername}</Typography.Text>，一次性密码{' '}
              <Typography.Text code copyable data-testid="admin-temp-password">
                {created.temporaryPassword}
              </Typography.Text>
              。此密码只显示这一次，请交给管理员本人；首次登录须设置新密码。
            </span>
          }
        />
      )}
      <div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="create-company">
          新建公司
        </Button>
      </div>
      <Table<PlatformCompanyView>
        rowKey="id"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: '编号', dataIndex: 'id', width: 80 },
          { title: '公司名称', dataIndex: 'name' },
          { title: '小区', dataIndex: 'communities', width: 80 },
          { title: '在职员工', dataIndex: 'staff', width: 100 },
          {
            title: '状态',
            dataIndex: 'active',
            width: 90,
            render: (active: boolean) => (active ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>),
          },
          { title: '创建时间', dataIndex: 'createdAt', render: (at: string) => new Date(at).toLocaleString('zh-CN') },
          {
            title: '操作',
            width: 120,
            render: (_, c) =>
              c.active ? (
                <Popconfirm
                  title={`停用 ${c.name}？`}
                  description="停用后该公司所有账号立即无法登录和使用。"
                  okText="停用"
                  cancelText="取消"
                  onConfirm={() => void setActive(c, false)}
                >
                  <Button danger size="small" data-testid={`deactivate-${c.id}`}>
                    停用
                  </Button>
                </Popconfirm>
              ) : (
                <Button size="small" onClick={() => void setActive(c, true)} data-testid={`activate-${c.id}`}>
                  启用
                </Button>
              ),
          },
        ]}
      />
      <Modal
        title="新建公司"
        open={open}
        okText="创建"
        cancelText="取消"
        confirmLoading={busy}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<CreateCompanyRequest> form={form} layout="vertical" onFinish={(v) => void create(v)}>
          <Form.Item name="name" label="公司名称" rules={[{ required: true, whitespace: true, min: 2, max: 100 }]}>
            <Input placeholder="例如：安居物业服务有限公司" data-testid="company-name" />
          </Form.Item>
          <Form.Item
            name="adminUsername"
            label="首位管理员用户名"
            rules={[
              { required: true, message: '请输入用户名' },
              { pattern: /^[A-Za-z0-9._-]{3,50}$/, message: '3-50 位字母、数字、点、下划线或短横线' },
            ]}
          >
            <Input placeholder="例如：anju.admin" data-testid="admin-username" />
          </Form.Item>
          <Form.Item name="adminName" label="管理员姓名" rules={[{ required: true, whitespace: true, max: 50 }]}>
            <Input placeholder="例如：陈经理" data-testid="admin-name" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}

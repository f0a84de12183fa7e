import { LockOutlined } from '@ant-design/icons';
import { PASSWORD_PROBLEM_LABELS, passwordProblem } from '@linli/shared';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useSession } from '../../auth/session';

interface ChangeForm {
  oldPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * 设置新密码: shown instead of everything else while the account must set its own password
 * (created by an admin or the CLI, or reset by an admin). The policy is checked here as on the
 * server (shared passwordProblem).
 */
export default function ChangePasswordPage() {
  const { user, changePassword, logout } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: ChangeForm) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.oldPassword, v.newPassword);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: '#f0f2f5',
      }}
    >
      <Card style={{ width: 400 }} data-testid="change-password">
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          设置新密码
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {user ? `${user.name}，` : ''}你的密码由管理员设置，请先设置自己的新密码再继续使用。至少 8
          位，不能全是数字，不能与用户名相同。
        </Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="change-error" />}
        <Form<ChangeForm> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item
            name="oldPassword"
            label="当前密码（管理员给的临时密码）"
            rules={[{ required: true, message: '请输入当前密码' }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="old-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label="新密码"
            dependencies={['oldPassword']}
            rules={[
              { required: true, message: '请输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) => {
                  const problem = value
                    ? passwordProblem(value, { oldPassword: getFieldValue('oldPassword') as string | undefined })
                    : null;
                  return problem ? Promise.reject(new Error(PASSWORD_PROBLEM_LABELS[problem])) : Promise.resolve();
                },
              }),
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="再次输入新密码"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) =>
                  !value || value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error('两次输入的新密码不一致')),
              }),
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="confirm-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="change-submit">
            保存新密码
          </Button>
          <Button type="link" block onClick={logout} style={{ marginTop: 8 }}>
            退出登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}

import type { StaffView } from '@linli/shared';
import { App, Button, Modal, Popconfirm, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';

/**
 * 重置密码 (admin): a temporary password for the staff member, shown once in a dialog; their
 * sessions end and they must set their own at the next login (POST /api/staff/:id/password-reset).
 */
export function ResetPasswordButton({ member }: { member: StaffView }) {
  const services = useServices();
  const { message } = App.useApp();
  const [temporary, setTemporary] = useState<string | null>(null);

  const reset = async () => {
    try {
      setTemporary((await services.passwordReset.reset(member.id)).temporaryPassword);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <>
      <Popconfirm
        title={`重置 ${member.name} 的密码？`}
        description="将生成临时密码，对方当前的登录立即失效，下次登录须设置新密码。"
        okText="重置"
        cancelText="取消"
        onConfirm={() => void reset()}
      >
        <Button size="small" type="link" data-testid="staff-reset-password">
          重置密码
        </Button>
      </Popconfirm>
      <Modal
        title="临时密码"
        open={temporary !== null}
        onCancel={() => setTemporary(null)}
        footer={
          <Button type="primary" onClick={() => setTemporary(null)}>
            我已记下
          </Button>
        }
      >
        <Typography.Paragraph>
          {member.name} 的临时密码（只显示这一次）：{' '}
          <Typography.Text code copyable data-testid="staff-temp-password">
            {temporary}
          </Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">请当面或电话告知本人；首次登录时须设置新密码。</Typography.Paragraph>
      </Modal>
    </>
  );
}

import { OPEN_STATUSES, type WorkOrderDetailView, type WorkOrderView } from '@linli/shared';
import { Alert, App, Button, Card, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { useCurrentUser } from '../../auth/session';

/**
 * 合并重复工单 (docs/notices.md "Shared faults"): the desk finds the surviving order by its number
 * and merges this one into it; this order's reporters move there and it ends cancelled with the
 * link. Shown to the desk, supervisors and admins while the order is open.
 */
export function OrderMerge({ order, onMerged }: { order: WorkOrderDetailView; onMerged: () => void }) {
  const services = useServices();
  const user = useCurrentUser();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [no, setNo] = useState('');
  const [found, setFound] = useState<WorkOrderView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const staff = user.role === 'desk' || user.role === 'supervisor' || user.role === 'admin';
  if (!staff || !OPEN_STATUSES.includes(order.status)) return null;

  const find = async () => {
    setError(null);
    setFound(null);
    const q = no.trim();
    if (!q) return setError('请输入要保留的工单编号');
    try {
      const page = await services.orders.list({ q, communityId: order.communityId, pageSize: 5 });
      const hit = page.items.find((o) => o.no === q && o.id !== order.id);
      if (!hit) return setError('本小区没有这个编号的其他工单');
      setFound(hit);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const merge = async () => {
    if (!found) return;
    setBusy(true);
    setError(null);
    try {
      const r = await services.notices.merge(order.id, found.id);
      void message.success(`已合并到工单 ${found.no}，转移报修人 ${r.movedReporters} 位`);
      setOpen(false);
      onMerged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title="重复工单" style={{ marginBottom: 12 }} data-testid="order-merge">
      <Space>
        <Typography.Text type="secondary">同一个故障已有工单？合并后本单取消，报修人转到保留的工单。</Typography.Text>
        <Button
          onClick={() => {
            setNo('');
            setFound(null);
            setError(null);
            setOpen(true);
          }}
        >
          合并到其他工单
        </Button>
      </Space>
      <Modal
        title={`合并工单 ${order.no}`}
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => void merge()}
        okText="确认合并"
        okButtonProps={{ disabled: !found, loading: busy, danger: true }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Space.Compact style={{ width: '100%' }}>
          <Input
            placeholder="要保留的工单编号"
            value={no}
            onChange={(e) => setNo(e.target.value)}
            onPressEnter={() => void find()}
            aria-label="要保留的工单编号"
          />
          <Button onClick={() => void find()}>查找</Button>
        </Space.Compact>
        {found && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            title={`保留：${found.no}`}
            description={`${found.description}（合并后本单 ${order.no} 将取消）`}
          />
        )}
      </Modal>
    </Card>
  );
}

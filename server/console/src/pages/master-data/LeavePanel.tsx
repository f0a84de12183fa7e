import { LEAVE_STATUS_LABELS, LEAVE_STATUSES, type LeaveStatus, type LeaveView } from '@linli/shared';
import { Alert, App, Button, Card, Popconfirm, Segmented, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { dateTime } from '../../components/format';

const COLORS: Record<LeaveStatus, string> = { pending: 'orange', approved: 'green', rejected: 'default' };

/** Leave requests: approve or reject the pending ones. */
export function LeavePanel() {
  const services = useServices();
  const { message } = App.useApp();
  const [status, setStatus] = useState<LeaveStatus>('pending');
  const leave = useRequest((s) => s.leave.list(status), [status]);
  const [busy, setBusy] = useState<number | null>(null);

  const review = async (id: number, decision: 'approved' | 'rejected') => {
    setBusy(id);
    try {
      await services.leave.review(id, decision);
      void message.success(decision === 'approved' ? '已批准' : '已驳回');
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(null);
      leave.reload();
    }
  };

  return (
    <Card
      size="small"
      title="请假审批"
      extra={
        <Segmented<LeaveStatus>
          value={status}
          onChange={setStatus}
          options={LEAVE_STATUSES.map((s) => ({ value: s, label: LEAVE_STATUS_LABELS[s] }))}
        />
      }
    >
      {leave.error && <Alert type="error" showIcon title={leave.error} style={{ marginBottom: 12 }} />}
      <Table<LeaveView>
        size="small"
        rowKey="id"
        loading={leave.loading}
        dataSource={leave.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        columns={[
          { title: '员工', dataIndex: 'userName', width: 100 },
          { title: '开始', dataIndex: 'startAt', width: 150, render: dateTime },
          { title: '结束', dataIndex: 'endAt', width: 150, render: dateTime },
          { title: '事由', dataIndex: 'reason' },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (s: LeaveStatus) => <Tag color={COLORS[s]}>{LEAVE_STATUS_LABELS[s]}</Tag>,
          },
          {
            title: '操作',
            key: 'ops',
            width: 150,
            render: (_: unknown, l) =>
              l.status === 'pending' ? (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    loading={busy === l.id}
                    onClick={() => void review(l.id, 'approved')}
                  >
                    批准
                  </Button>
                  <Popconfirm title="驳回这个请假申请？" onConfirm={() => void review(l.id, 'rejected')}>
                    <Button size="small" danger disabled={busy === l.id}>
                      驳回
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

import { RELATION_LABELS, type HouseBindingView } from '@linli/shared';
import { Alert, App, Button, Card, Popconfirm, Space, Table } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { dateTime } from '../../components/format';

/** House bindings that did not match the registry: approve or reject each. */
export function BindingsPanel() {
  const { bindings } = useServices();
  const { message } = App.useApp();
  const pending = useRequest((s) => s.bindings.pending(), []);
  const [busy, setBusy] = useState<number | null>(null);

  const review = async (id: number, decision: 'verified' | 'rejected') => {
    setBusy(id);
    try {
      await bindings.review(id, decision);
      void message.success(decision === 'verified' ? '已通过' : '已驳回');
      pending.reload();
    } catch (e) {
      void message.error(errorText(e));
      pending.reload();
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" title="待审核的房屋绑定">
      {pending.error && <Alert type="error" showIcon title={pending.error} style={{ marginBottom: 12 }} />}
      <Table<HouseBindingView>
        data-testid="bindings-table"
        size="small"
        rowKey="id"
        loading={pending.loading}
        dataSource={pending.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        locale={{ emptyText: '没有待审核的绑定' }}
        columns={[
          { title: '小区', dataIndex: 'communityName' },
          { title: '房屋', dataIndex: 'houseLabel' },
          { title: '申请人', key: 'applicant', render: (_: unknown, b) => `${b.applicant.name} ${b.applicant.phone}` },
          {
            title: '关系',
            dataIndex: 'relation',
            width: 80,
            render: (r: HouseBindingView['relation']) => RELATION_LABELS[r],
          },
          { title: '申请时间', dataIndex: 'createdAt', width: 150, render: dateTime },
          {
            title: '操作',
            key: 'ops',
            width: 150,
            render: (_: unknown, b) => (
              <Space>
                <Button
                  size="small"
                  type="primary"
                  loading={busy === b.id}
                  onClick={() => void review(b.id, 'verified')}
                >
                  通过
                </Button>
                <Popconfirm title="驳回这个绑定申请？" onConfirm={() => void review(b.id, 'rejected')}>
                  <Button size="small" danger disabled={busy === b.id}>
                    驳回
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

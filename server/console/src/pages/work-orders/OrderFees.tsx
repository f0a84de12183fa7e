import {
  BILL_STATUS_LABELS,
  PRICE_KIND_LABELS,
  QUOTE_FLAG_LABELS,
  QUOTE_STATE_LABELS,
  type QuoteItem,
  type WorkOrderDetailView,
} from '@linli/shared';
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { dateTime } from '../../components/format';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * The order's fees (docs/fees.md): the quote with its flagged lines (off the list, above it) and
 * the supervisor's review of a quote above the ceiling (通过 / 退回), and the bill with the desk's
 * waive (a reason, audited). Which buttons show comes from the order's `actions` and the bill.
 */
export function OrderFees({ order, onChanged }: { order: WorkOrderDetailView; onChanged: () => void }) {
  const services = useServices();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<'return' | 'waive' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const { quote, bill } = order;
  if (!quote && !bill) return null;

  const run = async (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await work();
      void message.success(done);
      setDialog(null);
      form.resetFields();
      onChanged();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const submitReason = async () => {
    const { reason } = await form.validateFields();
    if (dialog === 'return') {
      await run(
        () => services.orders.transition(order.id, { action: 'return_quote', version: order.version, reason }),
        '已退回给师傅',
      );
    } else if (dialog === 'waive' && bill) {
      await run(() => services.billing.waive(order.id, reason, bill.version), '已减免');
    }
  };

  return (
    <Card size="small" title="费用" style={{ marginBottom: 12 }} data-testid="order-fees">
      {quote && (
        <>
          <Space style={{ marginBottom: 8 }}>
            <Typography.Text strong>报价 {yuan(quote.totalFen)}</Typography.Text>
            <Tag data-testid="quote-state" data-value={quote.state}>
              {QUOTE_STATE_LABELS[quote.state]}
            </Tag>
            {quote.flaggedCount > 0 && (
              <Tag color="orange" data-testid="quote-flagged">
                {quote.flaggedCount} 项标准外/高于标准价
              </Tag>
            )}
            {order.actions.includes('release_quote') && (
              <Button
                type="primary"
                size="small"
                loading={busy}
                data-testid="action-release_quote"
                onClick={() =>
                  void run(
                    () => services.orders.transition(order.id, { action: 'release_quote', version: order.version }),
                    '已发给住户确认',
                  )
                }
              >
                审核通过
              </Button>
            )}
            {order.actions.includes('return_quote') && (
              <Button size="small" data-testid="action-return_quote" onClick={() => setDialog('return')}>
                退回
              </Button>
            )}
          </Space>
          {quote.rejectReason && quote.state === 'rejected' && (
            <Alert type="info" showIcon style={{ marginBottom: 8 }} title={`住户未同意：${quote.rejectReason}`} />
          )}
          <Table<QuoteItem>
            size="small"
            rowKey={(_, i) => String(i)}
            pagination={false}
            dataSource={quote.items}
            data-testid="quote-lines"
            rowClassName={(l) => (l.flag ? 'quote-flagged-row' : '')}
            columns={[
              { title: '项目', dataIndex: 'name' },
              { title: '类型', dataIndex: 'kind', render: (k: QuoteItem['kind']) => PRICE_KIND_LABELS[k] },
              { title: '数量', render: (_, l) => `${l.quantity}${l.unit}` },
              { title: '单价', dataIndex: 'unitPriceFen', render: (f: number) => yuan(f) },
              {
                title: '标准价',
                dataIndex: 'listPriceFen',
                render: (f: number | null) => (f === null ? '—' : yuan(f)),
              },
              { title: '金额', dataIndex: 'amountFen', render: (f: number) => yuan(f) },
              {
                title: '提示',
                render: (_, l) =>
                  l.flag ? (
                    <Space direction="vertical" size={0}>
                      <Tag color="orange">{QUOTE_FLAG_LABELS[l.flag]}</Tag>
                      <Typography.Text type="secondary">{l.reason}</Typography.Text>
                    </Space>
                  ) : null,
              },
            ]}
          />
        </>
      )}
      {bill && (
        <div style={{ marginTop: 12 }} data-testid="order-bill" data-status={bill.status}>
          <Space>
            <Typography.Text strong>账单 {yuan(bill.totalFen)}</Typography.Text>
            <Tag color={bill.status === 'unpaid' ? 'orange' : 'green'}>{BILL_STATUS_LABELS[bill.status]}</Tag>
            {bill.paidFen > 0 && <Typography.Text>已付 {yuan(bill.paidFen)}</Typography.Text>}
            <Typography.Text type="secondary">已同意报价 {yuan(bill.approvedQuoteFen)}</Typography.Text>
            {bill.status === 'unpaid' && (
              <Button danger size="small" data-testid="bill-waive" onClick={() => setDialog('waive')}>
                减免
              </Button>
            )}
          </Space>
          {bill.status === 'waived' && (
            <div data-testid="bill-waived">
              {bill.waivedBy?.name ?? ''} 于 {bill.waivedAt ? dateTime(bill.waivedAt) : ''} 减免：{bill.waivedReason}
            </div>
          )}
          {bill.lines.length > 0 && (
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {bill.lines.map((l, i) => (
                <li key={i}>
                  {l.name} {l.quantity}
                  {l.unit} × {yuan(l.unitPriceFen)} = {yuan(l.amountFen)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Modal
        open={dialog !== null}
        title={dialog === 'return' ? '退回报价' : '减免账单'}
        okText={dialog === 'return' ? '退回给师傅' : '确认减免'}
        okButtonProps={{ danger: dialog === 'waive', loading: busy }}
        onOk={() => void submitReason()}
        onCancel={() => setDialog(null)}
        destroyOnHidden
      >
        {dialog === 'waive' && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title="减免后住户无需支付，工单可以关闭；减免会记入操作日志。"
          />
        )}
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label="原因"
            rules={[
              { required: true, message: '请填写原因' },
              { min: 2, max: 200, message: '2–200 个字' },
            ]}
          >
            <Input.TextArea rows={3} data-testid="fees-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

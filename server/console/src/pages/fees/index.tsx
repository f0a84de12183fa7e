import {
  chinaDay,
  dayKeyToDate,
  formatFen,
  LEDGER_EVENT_LABELS,
  OFFLINE_METHODS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_LABELS,
  refundableFen,
  REFUND_STATUS_LABELS,
  type FeeTotalsRow,
  type LedgerRowView,
  type OfflineMethod,
  type PaymentView,
  type RefundView,
  type UnpaidBillView,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Table,
  Tabs,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { useRequest } from '../../api/useRequest';
import { useCurrentUser } from '../../auth/session';
import { dateTime } from '../../components/format';

const today = () => dayKeyToDate(chinaDay(new Date()));
const yuan = (fen: number) => formatFen(fen);
const orderLink = (no: string, r: { orderId: number }) => <Link to={`/work-orders/${r.orderId}`}>{no}</Link>;

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Cash or a transfer received at the desk, recorded against the bill (at most what is due). */
function RecordOffline({ bill, onDone }: { bill: UnpaidBillView; onDone: () => void }) {
  const services = useServices();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const due = bill.totalFen - bill.paidFen;
  const [form] = Form.useForm<{ method: OfflineMethod; yuan: number; reference?: string }>();
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await services.payments.recordOffline(bill.orderId, v.method, Math.round(v.yuan * 100), v.reference || undefined);
      void message.success('已登记收款');
      setOpen(false);
      onDone();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" data-testid={`record-offline-${bill.orderId}`} onClick={() => setOpen(true)}>
        登记收款
      </Button>
      <Modal
        title={`登记收款：${bill.orderNo}`}
        open={open}
        okText="确认登记"
        confirmLoading={busy}
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <p>待付 {yuan(due)}</p>
        <Form form={form} layout="vertical" initialValues={{ method: 'cash', yuan: due / 100 }}>
          <Form.Item name="method" label="收款方式">
            <Radio.Group
              options={OFFLINE_METHODS.map((m) => ({ value: m, label: PAYMENT_METHOD_LABELS[m] }))}
              optionType="button"
            />
          </Form.Item>
          <Form.Item
            name="yuan"
            label="金额（元）"
            rules={[
              { required: true, message: '请输入金额' },
              {
                validator: (_, v: number) =>
                  v > 0 && Math.round(v * 100) <= due ? Promise.resolve() : Promise.reject(new Error('超过待付金额')),
              },
            ]}
          >
            <InputNumber min={0.01} step={0.01} precision={2} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="reference" label="收据号/转账凭证（可不填）">
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function UnpaidBills() {
  const list = useRequest((s) => s.payments.unpaidBills(), []);
  return (
    <>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 12 }} />}
      <Table<UnpaidBillView>
        data-testid="fees-unpaid"
        size="small"
        rowKey="billId"
        loading={list.loading}
        dataSource={list.data ?? []}
        columns={[
          { title: '工单号', dataIndex: 'orderNo', render: orderLink },
          { title: '小区', dataIndex: 'communityName' },
          { title: '账单金额', dataIndex: 'totalFen', align: 'right', render: yuan },
          { title: '已付', dataIndex: 'paidFen', align: 'right', render: yuan },
          { title: '待付', key: 'due', align: 'right', render: (_: unknown, b) => yuan(b.totalFen - b.paidFen) },
          { title: '出账时间', dataIndex: 'createdAt', render: dateTime },
          {
            title: '操作',
            key: 'op',
            render: (_: unknown, b: UnpaidBillView) => <RecordOffline bill={b} onDone={list.reload} />,
          },
        ]}
      />
    </>
  );
}

function RefundButton({ payment, onDone }: { payment: PaymentView; onDone: () => void }) {
  const services = useServices();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ yuan: number; reason: string }>();
  const left = refundableFen(payment);
  if (left <= 0) return null;
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const r = await services.payments.refund(payment.id, Math.round(v.yuan * 100), v.reason);
      void message.success(r.status === 'success' ? '已退款' : '退款已提交，等待微信支付处理');
      setOpen(false);
      form.resetFields();
      onDone();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" data-testid={`refund-${payment.id}`} onClick={() => setOpen(true)}>
        退款
      </Button>
      <Modal
        title={`退款：${payment.orderNo}`}
        open={open}
        okText="确认退款"
        confirmLoading={busy}
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
      >
        <p>
          实收 {yuan(payment.amountFen)}，已退 {yuan(payment.refundedFen)}，最多可退 {yuan(left)}。
        </p>
        <Form form={form} layout="vertical" initialValues={{ yuan: left / 100 }}>
          <Form.Item
            name="yuan"
            label="退款金额（元）"
            rules={[
              { required: true, message: '请输入退款金额' },
              {
                validator: (_, v: number) =>
                  v > 0 && Math.round(v * 100) <= left ? Promise.resolve() : Promise.reject(new Error('超过可退金额')),
              },
            ]}
          >
            <InputNumber min={0.01} step={0.01} precision={2} style={{ width: 200 }} data-testid="refund-amount" />
          </Form.Item>
          <Form.Item name="reason" label="退款原因" rules={[{ required: true, min: 2, message: '请填写退款原因' }]}>
            <Input.TextArea maxLength={200} rows={2} data-testid="refund-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Payments({ canRefund }: { canRefund: boolean }) {
  const list = useRequest((s) => s.payments.list(), []);
  return (
    <>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 12 }} />}
      <Table<PaymentView>
        data-testid="fees-payments"
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data ?? []}
        columns={[
          { title: '工单号', dataIndex: 'orderNo', render: orderLink },
          { title: '小区', dataIndex: 'communityName' },
          { title: '方式', dataIndex: 'method', render: (m: PaymentView['method']) => PAYMENT_METHOD_LABELS[m] },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: PaymentView['status']) => (
              <Tag color={s === 'paid' ? 'green' : s === 'pending' ? 'gold' : 'default'}>
                {PAYMENT_STATUS_LABELS[s]}
              </Tag>
            ),
          },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: yuan },
          { title: '已退', dataIndex: 'refundedFen', align: 'right', render: yuan },
          { title: '支付时间', dataIndex: 'paidAt', render: (v: string | null) => (v ? dateTime(v) : '—') },
          { title: '商户订单号', dataIndex: 'outTradeNo' },
          {
            title: '微信/凭证号',
            key: 'ref',
            render: (_: unknown, p) => p.transactionId ?? p.reference ?? '—',
          },
          ...(canRefund
            ? [
                {
                  title: '操作',
                  key: 'op',
                  render: (_: unknown, p: PaymentView) => <RefundButton payment={p} onDone={list.reload} />,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

function Refunds() {
  const list = useRequest((s) => s.payments.refunds(), []);
  return (
    <Table<RefundView>
      data-testid="fees-refunds"
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data ?? []}
      columns={[
        { title: '工单号', dataIndex: 'orderNo', render: orderLink },
        { title: '小区', dataIndex: 'communityName' },
        { title: '金额', dataIndex: 'amountFen', align: 'right', render: yuan },
        {
          title: '状态',
          dataIndex: 'status',
          render: (s: RefundView['status']) => (
            <Tag color={s === 'success' ? 'green' : s === 'failed' ? 'red' : 'gold'}>{REFUND_STATUS_LABELS[s]}</Tag>
          ),
        },
        { title: '原因', dataIndex: 'reason' },
        { title: '申请时间', dataIndex: 'createdAt', render: dateTime },
        { title: '完成时间', dataIndex: 'succeededAt', render: (v: string | null) => (v ? dateTime(v) : '—') },
        { title: '退款单号', dataIndex: 'outRefundNo' },
      ]}
    />
  );
}

function Totals() {
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const list = useRequest((s) => s.payments.totals(from, to), [from, to]);
  const rows = list.data ?? [];
  const sum = (k: 'paidFen' | 'refundedFen' | 'netFen') => rows.reduce((s, r) => s + r[k], 0);
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 12 }} />}
      <Table<FeeTotalsRow>
        data-testid="fees-totals"
        size="small"
        rowKey={(r) => `${r.communityId}-${r.category}`}
        loading={list.loading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '小区', dataIndex: 'communityName' },
          { title: '类别', dataIndex: 'category' },
          { title: '笔数', dataIndex: 'payments', align: 'right' },
          { title: '收款', dataIndex: 'paidFen', align: 'right', render: yuan },
          { title: '退款', dataIndex: 'refundedFen', align: 'right', render: yuan },
          { title: '净收入', dataIndex: 'netFen', align: 'right', render: yuan },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              合计
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              {yuan(sum('paidFen'))}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={4} align="right">
              {yuan(sum('refundedFen'))}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={5} align="right">
              <span data-testid="fees-totals-net">{yuan(sum('netFen'))}</span>
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
    </>
  );
}

function Reconciliation() {
  const services = useServices();
  const { message } = App.useApp();
  const [day, setDay] = useState(today());
  const list = useRequest((s) => s.payments.ledger(day), [day]);
  const rows = list.data ?? [];
  const total = rows.reduce((s, r) => s + r.amountFen, 0);
  const download = async (format: 'csv' | 'xlsx') => {
    try {
      const { blob, filename } = await services.payments.reconciliation(day, format);
      save(blob, filename ?? `reconciliation-${day}.${format}`);
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <DatePicker allowClear={false} value={dayjs(day)} onChange={(d) => d && setDay(d.format('YYYY-MM-DD'))} />
        <Button data-testid="reconciliation-csv" onClick={() => void download('csv')}>
          下载 CSV
        </Button>
        <Button data-testid="reconciliation-xlsx" onClick={() => void download('xlsx')}>
          下载 Excel
        </Button>
        <span>
          当日合计：<b data-testid="reconciliation-total">{yuan(total)}</b>（{rows.length} 条流水）
        </span>
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 12 }} />}
      <Table<LedgerRowView>
        data-testid="fees-ledger"
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={rows}
        columns={[
          { title: '流水号', dataIndex: 'id' },
          { title: '时间', dataIndex: 'at', render: dateTime },
          { title: '事件', dataIndex: 'event', render: (e: LedgerRowView['event']) => LEDGER_EVENT_LABELS[e] },
          { title: '方式', dataIndex: 'method', render: (m: LedgerRowView['method']) => PAYMENT_METHOD_LABELS[m] },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: yuan },
          { title: '工单号', dataIndex: 'orderNo' },
          { title: '小区', dataIndex: 'communityName' },
          { title: '类别', dataIndex: 'category' },
          { title: '备注', dataIndex: 'note', render: (v: string | null) => v ?? '' },
        ]}
      />
    </>
  );
}

/** 费用收款: unpaid bills, payments (refunds by supervisors), refunds, totals, the daily reconciliation. */
export default function FeesPage() {
  const user = useCurrentUser();
  const manager = user.role === 'admin' || user.role === 'supervisor';
  const items = [
    { key: 'unpaid', label: '待支付账单', children: <UnpaidBills /> },
    { key: 'payments', label: '收款记录', children: <Payments canRefund={manager} /> },
    { key: 'refunds', label: '退款记录', children: <Refunds /> },
    ...(manager
      ? [
          { key: 'totals', label: '收费汇总', children: <Totals /> },
          { key: 'reconciliation', label: '每日对账', children: <Reconciliation /> },
        ]
      : []),
  ];
  return (
    <Card size="small" title="费用收款">
      <Tabs data-testid="fees-tabs" items={items} destroyOnHidden />
    </Card>
  );
}

import type { SmsMessageView } from '@linli/shared';
import { Alert, Button, Card, Form, Select, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useRequest } from '../../api/useRequest';
import { dateTime } from '../../components/format';

const PAGE_SIZE = 20;

const STATUS: Record<SmsMessageView['status'], { label: string; color: string }> = {
  pending: { label: '待发送', color: 'gold' },
  sending: { label: '发送中', color: 'blue' },
  sent: { label: '已提交', color: 'green' },
  failed: { label: '失败', color: 'red' },
};

const KIND: Record<SmsMessageView['kind'], string> = { code: '验证码', order: '工单通知' };

/** Provider codes a person can act on, in words (docs/sms.md); others are shown as they are. */
const ERRORS: Record<string, string> = {
  'isv.MOBILE_NUMBER_ILLEGAL': '手机号码格式不正确',
  'isv.BUSINESS_LIMIT_CONTROL': '该号码发送太频繁（运营商限流）',
  'isv.TEMPLATE_MISSING_PARAMETERS': '短信模板缺少参数',
  'isv.SMS_TEMPLATE_ILLEGAL': '短信模板不存在或未审核',
  'isv.SMS_SIGNATURE_ILLEGAL': '短信签名不存在或未审核',
  'isv.AMOUNT_NOT_ENOUGH': '短信账户余额不足',
  'isv.INVALID_PARAMETERS': '参数错误',
  'isp.SYSTEM_ERROR': '短信平台繁忙',
  SignatureDoesNotMatch: '短信密钥错误',
  'InvalidAccessKeyId.NotFound': '短信 AccessKey 不存在',
  network: '网络错误',
  expired: '验证码已过期，未发送',
};

/** The company's SMS (order notices): to whom (masked), how delivery went, why it failed. */
export default function SmsPage() {
  const [status, setStatus] = useState<SmsMessageView['status'] | undefined>();
  const [page, setPage] = useState(1);
  const list = useRequest((s) => s.sms.messages({ status, page, pageSize: PAGE_SIZE }), [status, page]);

  return (
    <Card
      size="small"
      title="短信记录"
      extra={
        <Button size="small" onClick={list.reload}>
          刷新
        </Button>
      }
    >
      <Form layout="inline" style={{ marginBottom: 12 }}>
        <Form.Item label="状态">
          <Select
            data-testid="sms-filter-status"
            allowClear
            placeholder="全部"
            style={{ width: 140 }}
            value={status}
            onChange={(v?: SmsMessageView['status']) => {
              setStatus(v);
              setPage(1);
            }}
            options={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))}
          />
        </Form.Item>
      </Form>
      {list.error && <Alert type="error" showIcon title={list.error} style={{ marginBottom: 12 }} />}
      <Table<SmsMessageView>
        data-testid="sms-table"
        size="small"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 条`,
          onChange: setPage,
        }}
        columns={[
          { title: '时间', dataIndex: 'createdAt', width: 150, render: dateTime },
          { title: '类型', dataIndex: 'kind', width: 90, render: (k: SmsMessageView['kind']) => KIND[k] ?? k },
          { title: '手机号', dataIndex: 'phone', width: 130 },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (s: SmsMessageView['status']) => <Tag color={STATUS[s]?.color}>{STATUS[s]?.label ?? s}</Tag>,
          },
          { title: '尝试次数', dataIndex: 'attempts', width: 80 },
          {
            title: '原因',
            key: 'error',
            render: (_: unknown, m) =>
              m.errorCode ? (
                <Tooltip title={`${m.errorCode}${m.errorMessage ? `：${m.errorMessage}` : ''}`}>
                  {ERRORS[m.errorCode] ?? m.errorCode}
                </Tooltip>
              ) : (
                '—'
              ),
          },
          {
            title: '下次重试',
            dataIndex: 'nextAttemptAt',
            width: 150,
            render: (v: string | null) => (v ? dateTime(v) : '—'),
          },
          { title: '提交时间', dataIndex: 'sentAt', width: 150, render: (v: string | null) => (v ? dateTime(v) : '—') },
          { title: '模板', dataIndex: 'templateCode', width: 140 },
          { title: '回执号', dataIndex: 'bizId', width: 180, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Card>
  );
}

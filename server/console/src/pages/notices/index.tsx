import { NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind, type NoticeState, type NoticeView } from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { dateTime } from '../../components/format';

const STATE_LABELS: Record<NoticeState, { label: string; color: string }> = {
  upcoming: { label: '未开始', color: 'blue' },
  current: { label: '进行中', color: 'orange' },
  ended: { label: '已结束', color: 'default' },
};

interface PublishForm {
  communityId: number;
  buildingIds?: number[];
  kind: NoticeKind;
  title: string;
  body: string;
  window: [Dayjs, Dayjs];
}

/** 通知与二维码: notices to residents (publish, end early) and the printable QR sheet. */
export default function NoticesPage() {
  return (
    <Tabs
      items={[
        { key: 'notices', label: '小区通知', children: <NoticeList /> },
        { key: 'qr', label: '报修二维码', children: <QrSheet /> },
      ]}
    />
  );
}

function NoticeList() {
  const services = useServices();
  const { message } = App.useApp();
  const [communityId, setCommunityId] = useState<number | undefined>();
  const [state, setState] = useState<'current' | 'all'>('current');
  const communities = useRequest((s) => s.lookups.communities(), []);
  const notices = useRequest((s) => s.notices.list({ communityId, state }), [communityId, state]);
  const [publishing, setPublishing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [publishError, setPublishError] = useState<string | null>(null);
  const [form] = Form.useForm<PublishForm>();
  const formCommunity = Form.useWatch('communityId', form);
  const buildings = useRequest((s) => (formCommunity ? s.notices.buildings(formCommunity) : null), [formCommunity]);

  const publish = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setPublishError(null);
    try {
      const n = await services.notices.publish({
        communityId: v.communityId,
        buildingIds: v.buildingIds?.length ? v.buildingIds : null,
        kind: v.kind,
        title: v.title,
        body: v.body,
        startsAt: v.window[0].toISOString(),
        endsAt: v.window[1].toISOString(),
      });
      void message.success(`通知已发布，已通知 ${n.recipients ?? 0} 位住户`);
      setPublishing(false);
      notices.reload();
    } catch (e) {
      setPublishError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const end = async (n: NoticeView) => {
    try {
      await services.notices.end(n.id);
      void message.success('通知已结束');
    } catch (e) {
      void message.error(errorText(e));
    }
    notices.reload();
  };

  return (
    <Card
      size="small"
      title="小区通知"
      extra={
        <Space>
          <Select
            allowClear
            placeholder="全部小区"
            style={{ width: 160 }}
            value={communityId}
            onChange={setCommunityId}
            options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Select
            style={{ width: 140 }}
            value={state}
            onChange={setState}
            options={[
              { value: 'current', label: '未结束的通知' },
              { value: 'all', label: '全部通知' },
            ]}
          />
          <Button
            type="primary"
            data-testid="notice-publish"
            onClick={() => {
              form.resetFields();
              setPublishError(null);
              setPublishing(true);
            }}
          >
            发布通知
          </Button>
        </Space>
      }
    >
      {notices.error && <Alert type="error" showIcon title={notices.error} style={{ marginBottom: 12 }} />}
      <Table<NoticeView>
        data-testid="notices-table"
        size="small"
        rowKey="id"
        loading={notices.loading}
        dataSource={notices.data ?? []}
        pagination={{ pageSize: 10, showSizeChanger: false }}
        columns={[
          { title: '类型', dataIndex: 'kind', width: 90, render: (k: NoticeKind) => NOTICE_KIND_LABELS[k] },
          { title: '标题', dataIndex: 'title' },
          {
            title: '范围',
            key: 'scope',
            width: 200,
            render: (_: unknown, n) =>
              `${n.communityName} ${n.buildingNames.length ? n.buildingNames.join('、') : '全小区'}`,
          },
          { title: '开始', dataIndex: 'startsAt', width: 150, render: dateTime },
          { title: '结束', dataIndex: 'endsAt', width: 150, render: dateTime },
          {
            title: '状态',
            dataIndex: 'state',
            width: 80,
            render: (s: NoticeState) => <Tag color={STATE_LABELS[s].color}>{STATE_LABELS[s].label}</Tag>,
          },
          { title: '通知住户', dataIndex: 'recipients', width: 80, render: (n?: number) => n ?? '—' },
          {
            title: '操作',
            key: 'ops',
            width: 90,
            render: (_: unknown, n) =>
              n.state !== 'ended' && (
                <Popconfirm title="提前结束后住户首页不再显示，确定结束？" onConfirm={() => void end(n)}>
                  <Button size="small" type="link" danger>
                    提前结束
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        title="发布通知"
        open={publishing}
        onCancel={() => setPublishing(false)}
        onOk={() => void publish()}
        okText="发布"
        okButtonProps={{ loading: saving }}
        forceRender
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'water' }}>
          {publishError && <Alert type="error" showIcon title={publishError} style={{ marginBottom: 12 }} />}
          <Form.Item name="communityId" label="小区" rules={[{ required: true, message: '请选择小区' }]}>
            <Select options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Form.Item name="buildingIds" label="楼栋（不选为全小区）">
            <Select
              mode="multiple"
              allowClear
              disabled={!formCommunity}
              options={(buildings.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            />
          </Form.Item>
          <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
            <Select options={NOTICE_KINDS.map((k) => ({ value: k, label: NOTICE_KIND_LABELS[k] }))} />
          </Form.Item>
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }, { max: 60 }]}>
            <Input placeholder="3栋停水通知" />
          </Form.Item>
          <Form.Item name="body" label="内容" rules={[{ required: true, message: '请填写内容' }, { max: 500 }]}>
            <Input.TextArea rows={3} placeholder="因管道维修，3栋 9:00-15:00 停水，请提前储水。" />
          </Form.Item>
          <Form.Item name="window" label="时间" rules={[{ required: true, message: '请选择起止时间' }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/**
 * The community's public-area codes on one printable page: the browser's 打印 (to paper or PDF)
 * prints only the sheet. Each code is also a PNG to download.
 */
function QrSheet() {
  const communities = useRequest((s) => s.lookups.communities(), []);
  const [communityId, setCommunityId] = useState<number | undefined>();
  const sheet = useRequest((s) => (communityId ? s.notices.qrSheet(communityId) : null), [communityId]);
  return (
    <Card
      size="small"
      title="报修二维码"
      extra={
        <Space>
          <Select
            placeholder="选择小区"
            style={{ width: 180 }}
            value={communityId}
            onChange={setCommunityId}
            options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Button type="primary" disabled={!sheet.data?.items.length} onClick={() => window.print()}>
            打印 / 存为 PDF
          </Button>
        </Space>
      }
    >
      <style>{`@media print {
        body * { visibility: hidden; }
        .qr-sheet, .qr-sheet * { visibility: visible; }
        .qr-sheet { position: absolute; left: 0; top: 0; width: 100%; }
        .qr-sheet .qr-download { display: none; }
      }`}</style>
      {sheet.error && <Alert type="error" showIcon title={sheet.error} />}
      {!communityId && <Alert type="info" showIcon title="选择小区后显示该小区每个公共区域的报修二维码" />}
      {sheet.data && sheet.data.items.length === 0 && <Alert type="warning" showIcon title="该小区还没有公共区域" />}
      {sheet.data && sheet.data.items.length > 0 && (
        <div
          className="qr-sheet"
          data-testid="qr-sheet"
          style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: 16 }}
        >
          {sheet.data.items.map((item) => (
            <div key={`${item.kind}-${item.id}`} style={{ textAlign: 'center', breakInside: 'avoid', padding: 8 }}>
              <img src={item.png} alt={`${item.name} 报修二维码`} style={{ width: 180, height: 180 }} />
              <div style={{ fontWeight: 600 }}>{item.name}</div>
              <div>
                {sheet.data!.communityName}
                {item.buildingName ? ` ${item.buildingName}` : ''}
              </div>
              <div style={{ fontSize: 12 }}>扫码报修 · 一键上报</div>
              <a className="qr-download" href={item.png} download={`报修二维码-${item.name}.png`}>
                下载 PNG
              </a>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

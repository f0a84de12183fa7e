import { PRICE_KIND_LABELS, PRICE_KINDS, type PriceItemView, type PriceKind } from '@linli/shared';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useApi } from '../../auth/session';
import { useScopeOptions } from './options';

interface ItemForm {
  communityId?: number;
  category: string;
  kind: PriceKind;
  name: string;
  unit: string;
  /** Yuan on screen; fen on the wire. */
  priceYuan: number;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** The price list (收费标准) residents see before reporting: company-wide and per-community items. */
export function PriceList() {
  const api = useApi();
  const { message } = App.useApp();
  const scope = useScopeOptions();
  const [communityId, setCommunityId] = useState<number | undefined>();
  const effective = communityId ?? scope.communityOptions[0]?.value;
  const items = useRequest(
    (a) => (effective ? a.get<PriceItemView[]>('/price-list', { communityId: effective }) : null),
    [effective],
  );
  const [editing, setEditing] = useState<PriceItemView | 'new' | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<ItemForm>();

  const open = (p: PriceItemView | 'new') => {
    setEditing(p);
    setFormError(null);
    form.setFieldsValue(
      p === 'new'
        ? { communityId: undefined, category: undefined, kind: 'labour', name: '', unit: '次', priceYuan: 0 }
        : {
            communityId: p.communityId ?? undefined,
            category: p.category,
            kind: p.kind,
            name: p.name,
            unit: p.unit,
            priceYuan: p.priceFen / 100,
          },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setFormError(null);
    try {
      const body = {
        communityId: v.communityId,
        category: v.category,
        kind: v.kind,
        name: v.name,
        unit: v.unit,
        priceFen: Math.round((v.priceYuan ?? 0) * 100),
      };
      if (editing === 'new') await api.post('/price-items', body);
      else if (editing) await api.put(`/price-items/${editing.id}`, body);
      void message.success('收费项目已保存');
      setEditing(null);
      items.reload();
    } catch (e) {
      setFormError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (id: number) => {
    try {
      await api.delete(`/price-items/${id}`);
      items.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Card
      size="small"
      title="收费标准"
      extra={
        <Space>
          <Select
            style={{ width: 180 }}
            placeholder="选择小区"
            value={effective}
            onChange={setCommunityId}
            options={scope.communityOptions}
          />
          <Button type="primary" onClick={() => open('new')}>
            新增项目
          </Button>
        </Space>
      }
    >
      {items.error && <Alert type="error" showIcon title={items.error} style={{ marginBottom: 12 }} />}
      <Table<PriceItemView>
        size="small"
        rowKey="id"
        loading={items.loading}
        dataSource={items.data ?? []}
        pagination={false}
        columns={[
          { title: '类别', dataIndex: 'category', render: scope.categoryName },
          { title: '类型', dataIndex: 'kind', width: 80, render: (k: PriceKind) => PRICE_KIND_LABELS[k] },
          { title: '名称', dataIndex: 'name' },
          { title: '单位', dataIndex: 'unit', width: 70 },
          { title: '单价', dataIndex: 'priceFen', width: 100, render: yuan },
          {
            title: '适用范围',
            dataIndex: 'communityId',
            render: (id: number | null) => (id === null ? <Tag>全部小区</Tag> : scope.communityName(id)),
          },
          {
            title: '操作',
            key: 'ops',
            width: 120,
            render: (_: unknown, p) => (
              <Space>
                <Button size="small" type="link" onClick={() => open(p)}>
                  编辑
                </Button>
                <Popconfirm title="删除这个收费项目？" onConfirm={() => void remove(p.id)}>
                  <Button size="small" type="link" danger>
                    删除
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title={editing === 'new' ? '新增收费项目' : '编辑收费项目'}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText="保存"
        okButtonProps={{ loading: saving }}
        forceRender
      >
        <Form form={form} layout="vertical" requiredMark="optional">
          {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} />}
          <Form.Item name="communityId" label="适用小区">
            <Select allowClear placeholder="全部小区" options={scope.communityOptions} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="category" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
              <Select style={{ width: 140 }} options={scope.categoryOptions} />
            </Form.Item>
            <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
              <Select
                style={{ width: 100 }}
                options={PRICE_KINDS.map((k) => ({ value: k, label: PRICE_KIND_LABELS[k] }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="unit" label="单位" rules={[{ required: true, message: '请填写单位' }]}>
              <Input style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="priceYuan" label="单价（元）" rules={[{ required: true, message: '请填写单价' }]}>
              <InputNumber precision={2} style={{ width: 140 }} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </Card>
  );
}

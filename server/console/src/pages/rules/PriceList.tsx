import { PRICE_KIND_LABELS, PRICE_KINDS, type PriceItemInput, type PriceItemView, type PriceKind } from '@linli/shared';
import { Form, Input, InputNumber, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useServices } from '../../api/services';
import { CrudCard } from '../../components/CrudCard';
import { useScopeOptions, type ScopeOptions } from './options';

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

const toForm = (p: PriceItemView | null): Partial<ItemForm> =>
  p === null
    ? { communityId: undefined, category: undefined, kind: 'labour', name: '', unit: '次', priceYuan: 0 }
    : {
        communityId: p.communityId ?? undefined,
        category: p.category,
        kind: p.kind,
        name: p.name,
        unit: p.unit,
        priceYuan: p.priceFen / 100,
      };

const toInput = (v: ItemForm): PriceItemInput => ({
  communityId: v.communityId,
  category: v.category,
  kind: v.kind,
  name: v.name,
  unit: v.unit,
  priceFen: Math.round((v.priceYuan ?? 0) * 100),
});

function ItemFields({ scope }: { scope: ScopeOptions }) {
  return (
    <>
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
    </>
  );
}

/** The price list (收费标准) residents see before reporting: company-wide and per-community items. */
export function PriceList({ readOnly = false }: { readOnly?: boolean }) {
  const { priceItems } = useServices();
  const scope = useScopeOptions();
  const [communityId, setCommunityId] = useState<number | undefined>();
  const effective = communityId ?? scope.communityOptions[0]?.value;
  return (
    <CrudCard<PriceItemView, ItemForm, PriceItemInput, number>
      title="收费标准"
      readOnly={readOnly}
      service={priceItems}
      query={effective ?? 0}
      ready={effective !== undefined}
      extra={
        <Select
          style={{ width: 180 }}
          placeholder="选择小区"
          value={effective}
          onChange={setCommunityId}
          options={scope.communityOptions}
        />
      }
      toForm={toForm}
      toInput={toInput}
      fields={<ItemFields scope={scope} />}
      texts={{
        add: '新增项目',
        addTitle: '新增收费项目',
        editTitle: '编辑收费项目',
        confirmDelete: '删除这个收费项目？',
        saved: '收费项目已保存',
      }}
      requiredMark="optional"
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
      ]}
    />
  );
}

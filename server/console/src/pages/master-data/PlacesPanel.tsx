import type { CommunityRow, HouseRow } from '@linli/shared';
import { Card, Input, Table } from 'antd';
import { useState } from 'react';
import { useRequest } from '../../api/useRequest';

const PAGE_SIZE = 10;

/** Communities and their houses, paginated and searched by the server. */
export function PlacesPanel({ version }: { version: number }) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<CommunityRow | null>(null);
  const [houseQ, setHouseQ] = useState('');
  const [housePage, setHousePage] = useState(1);

  const communities = useRequest((s) => s.masterData.communities({ q, page, pageSize: PAGE_SIZE }), [q, page, version]);
  const houses = useRequest(
    (s) =>
      selected
        ? s.masterData.houses({
            communityId: selected.id,
            q: houseQ,
            page: housePage,
            pageSize: PAGE_SIZE,
          })
        : null,
    [selected?.id, houseQ, housePage, version],
  );

  return (
    <>
      <Card
        size="small"
        title="小区"
        extra={
          <Input.Search
            allowClear
            placeholder="名称或编码"
            style={{ width: 200 }}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
          />
        }
      >
        <Table<CommunityRow>
          data-testid="communities-table"
          size="small"
          rowKey="id"
          loading={communities.loading}
          dataSource={communities.data?.items ?? []}
          rowClassName={(c) => (c.id === selected?.id ? 'ant-table-row-selected' : '')}
          onRow={(c) => ({
            onClick: () => {
              setSelected(c);
              setHousePage(1);
            },
            style: { cursor: 'pointer' },
          })}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: communities.data?.total ?? 0,
            showSizeChanger: false,
            onChange: setPage,
          }}
          columns={[
            { title: '编码', dataIndex: 'code', width: 90 },
            { title: '名称', dataIndex: 'name' },
            { title: '地址', dataIndex: 'address', ellipsis: true },
            { title: '户数', dataIndex: 'households', width: 80 },
            { title: '楼栋', dataIndex: 'buildings', width: 70 },
            { title: '房屋', dataIndex: 'houses', width: 70 },
          ]}
        />
      </Card>
      {selected && (
        <Card
          size="small"
          title={`${selected.name} 的房屋`}
          style={{ marginTop: 16 }}
          extra={
            <Input.Search
              allowClear
              placeholder="房屋地址，如 1栋1单元"
              style={{ width: 220 }}
              onSearch={(v) => {
                setHouseQ(v.trim());
                setHousePage(1);
              }}
            />
          }
        >
          <Table<HouseRow>
            data-testid="houses-table"
            size="small"
            rowKey="id"
            loading={houses.loading}
            dataSource={houses.data?.items ?? []}
            pagination={{
              current: housePage,
              pageSize: PAGE_SIZE,
              total: houses.data?.total ?? 0,
              showSizeChanger: false,
              onChange: setHousePage,
            }}
            columns={[
              { title: '房屋', dataIndex: 'label' },
              { title: '楼栋', dataIndex: 'building', width: 90 },
              { title: '单元', dataIndex: 'unit', width: 90, render: (u: string | null) => u ?? '—' },
              { title: '楼层', dataIndex: 'floor', width: 70, render: (f: number | null) => f ?? '—' },
              { title: '房号', dataIndex: 'roomNo', width: 80 },
              {
                title: '面积（㎡）',
                dataIndex: 'areaSqm',
                width: 100,
                render: (a: number | null) => (a === null ? '—' : a),
              },
              { title: '登记住户', dataIndex: 'residents', width: 90 },
            ]}
          />
        </Card>
      )}
    </>
  );
}

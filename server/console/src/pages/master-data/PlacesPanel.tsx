import { formatCoordinates, parseCoordinates, type BuildingRow, type CommunityRow, type HouseRow } from '@linli/shared';
import { App, Button, Card, Input, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { useRequest } from '../../api/useRequest';

const PAGE_SIZE = 10;

/**
 * A community's 物业服务电话 (the hotline residents see), edited in its row: 保存 (or Enter) sends
 * it, an empty field clears it; the server's message is shown when it refuses the number.
 */
function ServicePhoneCell({ community }: { community: CommunityRow }) {
  const services = useServices();
  const { message } = App.useApp();
  const [saved, setSaved] = useState(community.servicePhone ?? '');
  const [value, setValue] = useState(saved);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setSaved(community.servicePhone ?? '');
    setValue(community.servicePhone ?? '');
    setError(null);
  }, [community.id, community.servicePhone]);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const updated = await services.masterData.setServicePhone(community.id, value.trim() || null);
      setSaved(updated.servicePhone ?? '');
      setValue(updated.servicePhone ?? '');
      void message.success('已保存');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    // Clicks here edit the phone; they do not select the row.
    <div onClick={(e) => e.stopPropagation()}>
      <Space.Compact size="small">
        <Input
          data-testid={`service-phone-${community.id}`}
          aria-label={`${community.name} 服务电话`}
          placeholder="如 0755-86001234"
          maxLength={20}
          style={{ width: 150 }}
          value={value}
          status={error ? 'error' : undefined}
          onChange={(e) => setValue(e.target.value)}
          onPressEnter={() => void save()}
        />
        <Button
          data-testid={`service-phone-save-${community.id}`}
          loading={saving}
          disabled={value.trim() === saved}
          onClick={() => void save()}
        >
          保存
        </Button>
      </Space.Compact>
      {error && (
        <Typography.Text
          type="danger"
          data-testid={`service-phone-error-${community.id}`}
          style={{ display: 'block', maxWidth: 240, fontSize: 12 }}
        >
          {error}
        </Typography.Text>
      )}
    </div>
  );
}

/**
 * A community's or building's coordinates in ONE field, pasted as copied from a map app
 * (复制自地图), latitude first: "22.5195,113.9296". Checked here (parseCoordinates: a swapped pair
 * is refused with a hint, never swapped) and again by the server; an empty field clears them.
 */
export function CoordinatesCell(props: {
  kind: 'community' | 'building';
  place: { id: number; name: string; latitude: number | null; longitude: number | null };
}) {
  const { kind, place } = props;
  const services = useServices();
  const { message } = App.useApp();
  const [saved, setSaved] = useState(formatCoordinates(place));
  const [value, setValue] = useState(saved);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setSaved(formatCoordinates(place));
    setValue(formatCoordinates(place));
    setError(null);
  }, [place.id, place.latitude, place.longitude]);

  const save = async () => {
    const parsed = parseCoordinates(value);
    if (!parsed.ok) return setError(parsed.problem);
    setSaving(true);
    setError(null);
    try {
      const updated = await services.masterData.setCoordinates(kind, place.id, {
        latitude: parsed.latitude,
        longitude: parsed.longitude,
      });
      setSaved(formatCoordinates(updated));
      setValue(formatCoordinates(updated));
      void message.success('已保存');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div onClick={(e) => e.stopPropagation()}>
      <Space.Compact size="small">
        <Input
          data-testid={`coordinates-${kind}-${place.id}`}
          aria-label={`${place.name} 坐标`}
          placeholder="纬度,经度"
          maxLength={40}
          style={{ width: 160 }}
          value={value}
          status={error ? 'error' : undefined}
          onChange={(e) => setValue(e.target.value)}
          onPressEnter={() => void save()}
        />
        <Button
          data-testid={`coordinates-save-${kind}-${place.id}`}
          loading={saving}
          disabled={value.trim() === saved}
          onClick={() => void save()}
        >
          保存
        </Button>
      </Space.Compact>
      <Typography.Text
        type={error ? 'danger' : 'secondary'}
        data-testid={error ? `coordinates-error-${kind}-${place.id}` : undefined}
        style={{ display: 'block', maxWidth: 220, fontSize: 12 }}
      >
        {error ?? '复制自地图，先纬度后经度，如 22.5195,113.9296'}
      </Typography.Text>
    </div>
  );
}

/** Communities (with their service phone and coordinates), their buildings and houses, paginated and searched by the server. */
export function PlacesPanel({ version }: { version: number }) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<CommunityRow | null>(null);
  const [houseQ, setHouseQ] = useState('');
  const [housePage, setHousePage] = useState(1);

  const communities = useRequest((s) => s.masterData.communities({ q, page, pageSize: PAGE_SIZE }), [q, page, version]);
  const buildings = useRequest((s) => (selected ? s.masterData.buildings(selected.id) : null), [selected?.id, version]);
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
            {
              title: '服务电话',
              key: 'servicePhone',
              width: 240,
              render: (_: unknown, c: CommunityRow) => <ServicePhoneCell community={c} />,
            },
            {
              title: '坐标（小区大门）',
              key: 'coordinates',
              width: 240,
              render: (_: unknown, c: CommunityRow) => <CoordinatesCell kind="community" place={c} />,
            },
          ]}
        />
      </Card>
      {selected && (
        <Card size="small" title={`${selected.name} 的楼栋`} style={{ marginTop: 16 }}>
          <Table<BuildingRow>
            data-testid="buildings-table"
            size="small"
            rowKey="id"
            loading={buildings.loading}
            dataSource={buildings.data ?? []}
            pagination={
              (buildings.data?.length ?? 0) > PAGE_SIZE ? { pageSize: PAGE_SIZE, showSizeChanger: false } : false
            }
            columns={[
              { title: '楼栋', dataIndex: 'name' },
              { title: '房屋', dataIndex: 'houses', width: 80 },
              {
                title: '坐标（派单按距离、预计上门用）',
                key: 'coordinates',
                width: 300,
                render: (_: unknown, b: BuildingRow) => <CoordinatesCell kind="building" place={b} />,
              },
            ]}
          />
        </Card>
      )}
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

import { render, screen, waitFor, within } from '@testing-library/react';
import NewPhoneOrderPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { visitWindowOf } from '@linli/shared';
import { categories, order } from '../../../../test/fixtures';
import { stubNavigation, tap, typeInto } from '../../../../test/ui';
import { desk, signIn } from '../test-users';

const houses = [
  { id: 11, label: '1栋1单元101', unit: '1单元', roomNo: '101' },
  { id: 12, label: '1栋1单元301', unit: '1单元', roomNo: '301' },
  { id: 13, label: '1栋2单元302', unit: '2单元', roomNo: '302' },
];

function deskApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/communities', {
      body: [
        { id: 1, name: '海月花园', address: null },
        { id: 2, name: '翠湖苑', address: null },
      ],
    })
    .on('GET', '/api/communities/1/buildings', { body: [{ id: 5, name: '1栋' }] })
    .on('GET', '/api/buildings/5/houses', { body: houses })
    .on('GET', '/api/categories', { body: categories })
    .on('GET', '/api/staff', {
      body: [{ id: 7, name: '赵师傅', role: 'technician', communityIds: [1], openOrders: 1, capacity: 6 }],
    })
    .on('GET', '/api/staff/desk/house-residents', {
      body: [{ userId: 10, name: '徐敏', phone: '13910007919', relation: 'owner' }],
    });
}

async function pickHouse(container: HTMLElement) {
  tap(await screen.findByText('海月花园'));
  tap(await screen.findByText('1栋'));
  await screen.findByText('1栋2单元302');
  await typeInto(container.querySelector('taro-input-core[aria-label="房号"]')!, '30');
  await waitFor(() => expect(screen.queryByText('1栋1单元101')).not.toBeInTheDocument());
  tap(screen.getByText('1栋1单元301'));
}

describe('电话报修 (desk files for a caller)', () => {
  let urls: string[];
  beforeEach(() => {
    signIn(desk);
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('finds the house, picks the caller, and files a phone order with one Idempotency-Key', async () => {
    const api = deskApi().on('POST', '/api/work-orders', {
      status: 201,
      body: order({ id: 300, no: 'HY-20261127-0009', channel: 'phone', location: '海月花园 1栋1单元301' }),
    });
    const { container } = render(<NewPhoneOrderPage />);
    // Only the communities the desk serves.
    expect(await screen.findByText('海月花园')).toBeInTheDocument();
    expect(screen.queryByText('翠湖苑')).not.toBeInTheDocument();
    await pickHouse(container);
    expect(api.callsTo('GET', '/api/staff/desk/house-residents')[0].query).toEqual({ houseId: '12' });

    tap(await screen.findByRole('radio', { name: '徐敏' }));
    tap(screen.getByRole('radio', { name: '水管漏水' }));
    tap(screen.getByRole('radio', { name: '紧急' }));
    tap(screen.getByRole('radio', { name: '今天下午' }));
    expect(screen.getByTestId('visit-window')).toHaveTextContent('上门时间：今天 14:00–18:00');
    tap(screen.getByRole('button', { name: '登记工单' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请填写住户反映的问题');
    await typeInto(container.querySelector('taro-textarea-core')!, '卫生间天花板滴水');
    tap(screen.getByRole('button', { name: '登记工单' }));
    tap(screen.getByRole('button', { name: /登记工单|提交中/ }));

    const status = await screen.findByRole('status');
    expect(within(status).getByText('工单号 HY-20261127-0009')).toBeInTheDocument();
    const posts = api.callsTo('POST', '/api/work-orders');
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({
      channel: 'phone',
      kind: 'repair',
      category: 'plumbing',
      priority: 'P1',
      description: '卫生间天花板滴水',
      houseId: 12,
      reporterId: 10,
      // 今天下午 goes as the real window (14:00-18:00 China time today), not as words.
      visitWindow: visitWindowOf('今天下午', new Date()),
    });
    expect((posts[0].body as { visitWindow: { from: string } }).visitWindow.from).toMatch(/T06:00:00.000Z$/);
    expect(posts[0].headers['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    tap(within(status).getByRole('button', { name: '查看工单' }));
    expect(urls).toEqual(['/subpackages/office/order/index?id=300']);
  });

  it('files a complaint for an unregistered caller; a refused submit keeps the form', async () => {
    const api = deskApi()
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 301, kind: 'complaint' }) })
      .once('POST', '/api/work-orders', apiError(400, 'VALIDATION_FAILED', 'unknown category'));
    const { container } = render(<NewPhoneOrderPage />);
    await pickHouse(container);
    tap(await screen.findByRole('radio', { name: '不是登记住户（不关联）' }));
    tap(screen.getByRole('radio', { name: '投诉' }));
    expect(screen.queryByText('上门时间')).not.toBeInTheDocument();
    // Whom the complaint is about: never the one it is assigned to.
    tap(await screen.findByRole('radio', { name: '赵师傅' }));
    tap(screen.getByRole('radio', { name: '其他' }));
    await typeInto(container.querySelector('taro-textarea-core')!, '楼下餐馆油烟太大');
    tap(screen.getByRole('button', { name: '登记工单' }));
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '登记工单' }));
    expect(await screen.findByRole('status')).toHaveTextContent('投诉');
    const posts = api.callsTo('POST', '/api/work-orders');
    expect(posts.map((p) => p.body)).toEqual([
      {
        channel: 'phone',
        kind: 'complaint',
        category: 'other',
        priority: 'P3',
        description: '楼下餐馆油烟太大',
        houseId: 12,
        aboutUserId: 7,
      },
      {
        channel: 'phone',
        kind: 'complaint',
        category: 'other',
        priority: 'P3',
        description: '楼下餐馆油烟太大',
        houseId: 12,
        aboutUserId: 7,
      },
    ]);
    // A definite refusal created nothing: the retry may use a new key.
    expect(posts[0].headers['Idempotency-Key']).not.toEqual(posts[1].headers['Idempotency-Key']);
  });

  it('says so when the call repeats an open report of the house, and opens that order', async () => {
    const earlier = new Date(Date.now() - 4 * 60_000).toISOString();
    deskApi().on('POST', '/api/work-orders', {
      status: 200,
      body: { ...order({ id: 290, no: 'HY-20261127-0007', createdAt: earlier }), duplicate: true },
    });
    const { container } = render(<NewPhoneOrderPage />);
    await pickHouse(container);
    tap(await screen.findByRole('radio', { name: '徐敏' }));
    tap(screen.getByRole('radio', { name: '水管漏水' }));
    await typeInto(container.querySelector('taro-textarea-core')!, '卫生间天花板滴水');
    tap(screen.getByRole('button', { name: '登记工单' }));
    const status = await screen.findByRole('status');
    expect(within(status).getByText('已有相同工单')).toBeInTheDocument();
    expect(within(status).getByText('该房屋4分钟前已有相同报修，未重复登记')).toBeInTheDocument();
    tap(within(status).getByRole('button', { name: '查看工单' }));
    expect(urls).toEqual(['/subpackages/office/order/index?id=290']);
  });

  it("finds the caller's house by the phone number and fills it in", async () => {
    const api = deskApi()
      .on('GET', '/api/staff/desk/callers', {
        body: [
          {
            userId: 10,
            name: '徐敏',
            phone: '13910007919',
            houses: [
              {
                houseId: 12,
                label: '1栋1单元301',
                buildingId: 5,
                buildingName: '1栋',
                communityId: 1,
                communityName: '海月花园',
                relation: 'owner',
              },
            ],
          },
        ],
      })
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 300, channel: 'phone' }) });
    const { container } = render(<NewPhoneOrderPage />);
    await screen.findByText('海月花园');
    const number = container.querySelector('taro-input-core[aria-label="来电手机号"]')!;
    await typeInto(number, '1391000');
    tap(screen.getByRole('button', { name: '查找' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请输入11位手机号');
    expect(api.callsTo('GET', '/api/staff/desk/callers')).toHaveLength(0);

    await typeInto(number, '13910007919');
    tap(screen.getByRole('button', { name: '查找' }));
    // The one house is filled in and the caller picked: on to the kind and category.
    expect(await screen.findByRole('radio', { name: '徐敏', checked: true })).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/staff/desk/callers')[0].query).toEqual({ phone: '13910007919' });
    expect(api.callsTo('GET', '/api/staff/desk/house-residents')[0].query).toEqual({ houseId: '12' });
    tap(await screen.findByRole('radio', { name: '水管漏水' }));
    await typeInto(container.querySelector('taro-textarea-core')!, '住户来电：厨房漏水');
    tap(screen.getByRole('button', { name: '登记工单' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/work-orders')[0].body).toMatchObject({ houseId: 12, reporterId: 10 });
  });
});

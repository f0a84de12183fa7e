import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import HomePage from './index';
import { apiError, FakeApi } from '../../../test/fake-api';
import { categories, house, loggedIn, order } from '../../../test/fixtures';
import { stubNavigation, tap, typeInto } from '../../../test/ui';
import { storage } from '../../services/storage';

const emptyPage = { items: [], total: 0, page: 1, pageSize: 3 };

function homeApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/me/houses', { body: [house] })
    .on('GET', '/api/categories', { body: categories })
    .on('GET', '/api/work-orders', { body: emptyPage })
    .on('GET', '/api/me/notifications', { body: { ...emptyPage, unread: 2 } });
}

describe('首页 and the report sheet', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('files a report in two taps: category, then 提交, with the sheet prefilled', async () => {
    const api = homeApi().on('POST', '/api/work-orders', { status: 201, body: order({ id: 300 }) });
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修漏水' }));
    const sheet = await screen.findByRole('dialog', { name: '报修：漏水' });
    expect(within(sheet).getByText('海月花园 1栋1单元101')).toBeInTheDocument();
    expect(within(sheet).getByRole('radio', { name: '加急' })).toHaveAttribute('aria-checked', 'true');

    tap(within(sheet).getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=300']));

    const [post] = api.callsTo('POST', '/api/work-orders');
    expect(post.body).toEqual({
      category: 'plumbing',
      description: '水管漏水',
      houseId: 11,
      priority: 'P2',
      photoIds: [],
      preferredTime: '尽快上门',
    });
    expect(post.headers['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(post.headers.Authorization).toBe('Bearer tok-1');
  });

  it('shows a notice and an open public-area order first: 我也遇到了 joins it instead of filing', async () => {
    const api = homeApi()
      .on('GET', '/api/notices', {
        body: [
          {
            id: 5,
            communityId: 1,
            communityName: '海月花园',
            buildingIds: null,
            buildingNames: [],
            kind: 'water',
            title: '全小区停水',
            body: '管道维修，请提前储水',
            startsAt: '2026-12-08T01:00:00.000Z',
            endsAt: '2026-12-08T07:00:00.000Z',
            endedAt: null,
            state: 'current',
            createdAt: '2026-12-08T00:00:00.000Z',
          },
        ],
      })
      .on('GET', '/api/notices/at', {
        body: {
          notices: [],
          orders: [
            {
              id: 88,
              no: 'HY-20261208-0002',
              category: 'plumbing',
              description: '地下车库漏水',
              status: 'assigned',
              place: '地下车库',
              createdAt: '2026-12-08T01:00:00.000Z',
              reporters: 1,
              joined: false,
            },
          ],
        },
      })
      .on('POST', '/api/work-orders/88/join', { body: { workOrderId: 88, joined: true, reporters: 2 } });
    render(<HomePage />);
    // The notice is on home.
    expect(await screen.findByText('全小区停水')).toBeInTheDocument();
    tap(await screen.findByRole('button', { name: '报修漏水' }));
    const sheet = await screen.findByRole('dialog', { name: '报修：漏水' });
    tap(await within(sheet).findByRole('button', { name: '我也遇到了 地下车库漏水' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=88']));
    expect(api.callsTo('POST', '/api/work-orders/88/join')).toHaveLength(1);
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(0);
    expect(api.callsTo('GET', '/api/notices/at')[0].query).toEqual({ houseId: '11' });
  });

  it('in care mode offers the visit times as large choices in the page, not a small native picker', async () => {
    storage.setCareMode(true);
    const api = homeApi().on('POST', '/api/work-orders', { status: 201, body: order({ id: 301 }) });
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修漏水' }));
    const sheet = await screen.findByRole('dialog', { name: '报修：漏水' });
    expect(sheet.closest('.screen.care')).not.toBeNull();
    expect(sheet.querySelector('taro-picker-core')).toBeNull();
    const times = within(sheet).getByRole('radiogroup', { name: '期望上门时间' });
    const tomorrow = within(times).getByRole('radio', { name: '明天上午' });
    expect(tomorrow).toHaveClass('choice');
    tap(tomorrow);
    expect(tomorrow).toHaveAttribute('aria-checked', 'true');
    tap(within(sheet).getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/work-orders')[0].body).toMatchObject({ preferredTime: '明天上午' });
    storage.setCareMode(false);
  });

  it('says so and opens the earlier order when the same report was filed minutes ago', async () => {
    const earlier = new Date(Date.now() - 3 * 60_000).toISOString();
    homeApi().on('POST', '/api/work-orders', {
      status: 200,
      body: { ...order({ id: 290, createdAt: earlier }), duplicate: true },
    });
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修漏水' }));
    tap(screen.getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=290']));
    expect(Taro.showToast).toHaveBeenCalledWith(
      expect.objectContaining({ title: '您在3分钟前已提交相同报修，已为您打开该工单' }),
    );
  });

  it('sends one order for a double tap on 提交', async () => {
    let answer: (v: { status: number; body: unknown }) => void = () => undefined;
    const api = homeApi().on('POST', '/api/work-orders', () => new Promise((r) => (answer = r)));
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修停电' }));
    const submit = await screen.findByRole('button', { name: '提交报修' });
    tap(submit);
    tap(submit);
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1));
    answer({ status: 201, body: order({ id: 301 }) });
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=301']));
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1);
  });

  it('keeps the input after a network failure and retries with the same Idempotency-Key', async () => {
    const api = homeApi()
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 302 }) })
      .once('POST', '/api/work-orders', { networkError: true });
    const { container } = render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修门锁' }));
    await screen.findByRole('dialog');
    await typeInto(container.querySelector('taro-textarea-core')!, '入户门锁打不开');
    tap(screen.getByRole('radio', { name: '紧急' }));
    tap(screen.getByRole('button', { name: '提交报修' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('网络不给力');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '紧急' })).toHaveAttribute('aria-checked', 'true');

    tap(screen.getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=302']));
    const [first, second] = api.callsTo('POST', '/api/work-orders');
    expect(second.headers['Idempotency-Key']).toBe(first.headers['Idempotency-Key']);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({ category: 'door_window', description: '入户门锁打不开', priority: 'P1' });
  });

  it('asks which public area before reporting one', async () => {
    const api = homeApi()
      .on('GET', '/api/communities/1/public-areas', {
        body: [
          { id: 5, name: '地下车库', buildingId: null },
          { id: 6, name: '1栋大堂', buildingId: 1 },
        ],
      })
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 303 }) });
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修公共区域' }));
    tap(screen.getByRole('button', { name: '提交报修' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请选择出问题的公共区域');
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(0);

    tap(await screen.findByRole('radio', { name: '地下车库' }));
    tap(screen.getByRole('button', { name: '提交报修' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/work-orders')[0].body).toMatchObject({ publicAreaId: 5, category: 'public_area' });
    expect(api.callsTo('POST', '/api/work-orders')[0].body).not.toHaveProperty('houseId');
  });

  it('offers 绑定房屋 when the resident has no house yet', async () => {
    homeApi().on('GET', '/api/me/houses', { body: [] });
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '绑定房屋' }));
    expect(urls).toEqual(['/subpackages/account/bind/index']);
    expect(screen.queryByRole('button', { name: '报修漏水' })).not.toBeInTheDocument();
  });

  it('shows a pending binding as waiting for review', async () => {
    homeApi().on('GET', '/api/me/houses', { body: [{ ...house, status: 'pending' }] });
    render(<HomePage />);
    expect(await screen.findByText('房屋绑定审核中')).toBeInTheDocument();
  });

  it('says whom to call and what happens next while a binding waits for review', async () => {
    homeApi().on('GET', '/api/me/houses', { body: [{ ...house, status: 'pending', servicePhone: '075586001234' }] });
    const call = jest.spyOn(Taro, 'makePhoneCall').mockImplementation((() => Promise.resolve()) as never);
    render(<HomePage />);
    expect(await screen.findByText(/接下来：物业核对您的身份后会通过审核/)).toBeInTheDocument();
    expect(screen.getByText(/物业服务电话 075586001234/)).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '拨打物业电话' }));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '075586001234' });
  });

  it('never greets the resident as 微信用户', async () => {
    storage.setSession('tok-1', { ...storage.user()!, name: '微信用户' });
    homeApi();
    render(<HomePage />);
    await screen.findByRole('button', { name: '报修漏水' });
    expect(screen.getByText('您好')).toBeInTheDocument();
    expect(screen.queryByText(/微信用户/)).not.toBeInTheDocument();
  });

  it('shows the repair tiles at once on a slow network; only the house shows 加载中', async () => {
    homeApi().on('GET', '/api/me/houses', () => new Promise(() => {}));
    render(<HomePage />);
    const tile = await screen.findByRole('button', { name: '报修漏水' });
    expect(screen.getByText('加载中…')).toBeInTheDocument();
    tap(tile);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '正在读取您的房屋，请稍候' }));
  });

  it('opens the sheet of a tile tapped before the house had loaded, once it has', async () => {
    let answer: (r: { body: unknown }) => void = () => {};
    homeApi().on('GET', '/api/me/houses', () => new Promise((r) => (answer = r)));
    render(<HomePage />);
    tap(await screen.findByRole('button', { name: '报修漏水' }));
    answer({ body: [house] });
    expect(await screen.findByRole('dialog', { name: '报修：漏水' })).toBeInTheDocument();
  });

  it('lists orders waiting for a rating on top, with 去评价', async () => {
    const api = homeApi().on('GET', '/api/work-orders', (req) => ({
      body:
        req.query.status === 'completed'
          ? {
              items: [order({ id: 250, status: 'completed', actions: ['confirm', 'reopen'] })],
              total: 1,
              page: 1,
              pageSize: 5,
            }
          : emptyPage,
    }));
    const { container } = render(<HomePage />);
    const rate = await screen.findByRole('button', { name: '去评价 水管漏水' });
    const text = container.textContent ?? '';
    expect(text.indexOf('待评价')).toBeLessThan(text.indexOf('选择要报修的问题'));
    tap(rate);
    expect(urls).toEqual(['/subpackages/orders/rate/index?id=250']);
    expect(api.callsTo('GET', '/api/work-orders').some((c) => c.query.status === 'completed')).toBe(true);
  });

  it('shows a load failure with 重试, and recovers', async () => {
    const api = homeApi().once('GET', '/api/me/houses', apiError(503, 'SERVICE_UNAVAILABLE'));
    render(<HomePage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('服务暂不可用，请稍后再试');
    tap(screen.getByText('重试'));
    expect(await screen.findByRole('button', { name: '报修漏水' })).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/me/houses')).toHaveLength(2);
  });

  it('lists open orders with their status label and the unread count', async () => {
    homeApi().on('GET', '/api/work-orders', {
      body: { items: [order({ status: 'on_the_way' })], total: 1, page: 1, pageSize: 3 },
    });
    render(<HomePage />);
    expect(await screen.findByText('师傅在路上')).toBeInTheDocument();
    expect(screen.getByText('2')).toBeInTheDocument();
  });

  describe('投诉 / 建议 and the survey banner', () => {
    const survey = {
      id: 5,
      communityId: 1,
      communityName: '海月花园',
      title: '2026 年第四季度满意度调查',
      startsAt: '2026-11-01T00:00:00.000Z',
      endsAt: '2026-12-31T00:00:00.000Z',
      status: 'open',
      answered: false,
    };

    it('opens the 投诉 / 建议 form from home', async () => {
      homeApi();
      render(<HomePage />);
      tap(await screen.findByRole('button', { name: '投诉 / 建议' }));
      expect(urls).toEqual(['/subpackages/orders/feedback/index']);
    });

    it('shows 小区满意度调查 for an open survey not yet answered, and opens it', async () => {
      homeApi().on('GET', '/api/surveys', { body: [survey] });
      render(<HomePage />);
      tap(await screen.findByRole('button', { name: '小区满意度调查' }));
      expect(urls).toEqual(['/subpackages/account/survey/index?id=5']);
    });

    it('shows 已提交 once the survey is answered, and no banner when there is none', async () => {
      const api = homeApi().on('GET', '/api/surveys', { body: [{ ...survey, answered: true }] });
      const first = render(<HomePage />);
      await screen.findByRole('button', { name: '报修漏水' });
      await waitFor(() => expect(api.callsTo('GET', '/api/surveys')).toHaveLength(1));
      expect(await screen.findByText('已提交')).toBeInTheDocument();
      expect(screen.queryByText('去填写 ›')).not.toBeInTheDocument();
      first.unmount();

      homeApi().on('GET', '/api/surveys', { body: [] });
      render(<HomePage />);
      await screen.findByRole('button', { name: '报修漏水' });
      expect(screen.queryByText('小区满意度调查')).not.toBeInTheDocument();
    });

    it('shows no banner and no error when the surveys fail to load', async () => {
      const api = homeApi().on('GET', '/api/surveys', apiError(503, 'SERVICE_UNAVAILABLE'));
      render(<HomePage />);
      await screen.findByRole('button', { name: '报修漏水' });
      await waitFor(() => expect(api.callsTo('GET', '/api/surveys')).toHaveLength(1));
      expect(screen.queryByText('小区满意度调查')).not.toBeInTheDocument();
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });
  });
});

describe('首页 for staff', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sends a staff session to the staff queue without loading resident data', async () => {
    localStorage.clear();
    storage.setSession('tok-s', {
      id: 7,
      role: 'technician',
      name: '赵师傅',
      phone: null,
      companyId: 1,
      communityIds: [1],
    });
    const urls = stubNavigation();
    const api = homeApi();
    render(<HomePage />);
    await waitFor(() => expect(urls).toEqual(['/subpackages/staff/queue/index']));
    expect(api.callsTo('GET', '/api/me/houses')).toHaveLength(0);
  });
});

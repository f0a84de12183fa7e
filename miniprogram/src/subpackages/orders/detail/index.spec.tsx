import { render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import OrderDetailPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { categories, loggedIn, order } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap } from '../../../../test/ui';

const DETAIL = '/api/work-orders/241';
const TRANSITIONS = '/api/work-orders/241/transitions';

function detailApi(o = order()): FakeApi {
  return new FakeApi().install().on('GET', DETAIL, { body: o }).on('GET', '/api/categories', { body: categories });
}

describe('工单详情', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
    setRouter('/subpackages/orders/detail/index', { id: '241' });
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows status, SLA time left, technician, content and the timeline', async () => {
    detailApi();
    render(<OrderDetailPage />);
    expect(await screen.findByText('已派单')).toBeInTheDocument();
    expect(screen.getByText(/处理时限：剩余 1小时(29|30)分/)).toBeInTheDocument();
    expect(screen.getByText('赵师傅')).toBeInTheDocument();
    expect(screen.getByText('137****0104')).toBeInTheDocument();
    // A masked number cannot be dialled: no call button rather than a broken one.
    expect(screen.queryByRole('button', { name: '打电话' })).not.toBeInTheDocument();
    expect(screen.getByText('水管漏水')).toBeInTheDocument();
    expect(screen.getByText('提交报修')).toBeInTheDocument();
    expect(screen.getByText('派单')).toBeInTheDocument();
  });

  it('calls the technician when the number is shown in full', async () => {
    detailApi(order({ assignee: { id: 7, name: '赵师傅', phone: '13700000104' } }));
    const call = jest.spyOn(Taro, 'makePhoneCall').mockImplementation((() => Promise.resolve()) as never);
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '打电话' }));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '13700000104' });
  });

  it('says 派单中 while routing decides, and shows the technician once it has, without a pull-down', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      const api = detailApi(order({ status: 'submitted', assignee: null, routingState: null }));
      render(<OrderDetailPage />);
      expect(await screen.findByText('派单中')).toBeInTheDocument();
      expect(screen.queryByText('赵师傅')).not.toBeInTheDocument();
      api.on('GET', DETAIL, { body: order() });
      jest.advanceTimersByTime(3000);
      expect(await screen.findByText('赵师傅')).toBeInTheDocument();
      expect(screen.queryByText('派单中')).not.toBeInTheDocument();
      expect(api.callsTo('GET', DETAIL).length).toBeGreaterThanOrEqual(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows an overdue order as late', async () => {
    detailApi(order({ slaDueAt: new Date(Date.now() - 20 * 60000).toISOString() }));
    render(<OrderDetailPage />);
    expect(await screen.findByText(/已超时 (19|20)分钟/)).toBeInTheDocument();
  });

  it('urges with the version it saw and shows the answer', async () => {
    const api = detailApi().on('POST', TRANSITIONS, { body: order({ urgeCount: 1, version: 4 }) });
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '催单' }));
    expect(await screen.findByText('已催单 1 次')).toBeInTheDocument();
    expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({ action: 'urge', version: 3 });
  });

  it('cancels only with a reason', async () => {
    const api = detailApi().on('POST', TRANSITIONS, {
      body: order({ status: 'cancelled', actions: [], version: 4 }),
    });
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '取消报修' }));
    const confirm = screen.getByRole('button', { name: '确认取消' });
    expect(confirm).toHaveAttribute('aria-disabled', 'true');
    tap(confirm);
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);

    tap(screen.getByRole('radio', { name: '重复提交了' }));
    tap(screen.getByRole('button', { name: '确认取消' }));
    expect(await screen.findByText('已取消')).toBeInTheDocument();
    expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({ action: 'cancel', version: 3, reason: '重复提交了' });
  });

  it('shows the itemised quote in yuan and approves it', async () => {
    const quoted = order({
      status: 'quoted',
      actions: ['approve_quote', 'reject_quote'],
      quote: {
        items: [
          { kind: 'labour', name: '更换水管人工', quantity: 1, unitPriceFen: 5000 },
          { kind: 'material', name: 'PPR水管 1米', quantity: 2, unitPriceFen: 1850 },
        ],
        totalFen: 8700,
        approved: null,
      },
    });
    const api = detailApi(quoted).on('POST', TRANSITIONS, {
      body: { ...quoted, status: 'in_progress', actions: [], quote: { ...quoted.quote!, approved: true }, version: 4 },
    });
    render(<OrderDetailPage />);
    expect(await screen.findByText('¥87.00')).toBeInTheDocument();
    expect(screen.getByText('¥37.00')).toBeInTheDocument();
    expect(screen.getByText(/材料 · 2 × ¥18.50/)).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '同意报价，继续维修' }));
    expect(await screen.findByText('已同意')).toBeInTheDocument();
    expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({ action: 'approve_quote', version: 3 });
  });

  it('reloads when someone else changed the order first', async () => {
    const api = detailApi()
      .on('POST', TRANSITIONS, apiError(409, 'VERSION_CONFLICT'))
      .once('GET', DETAIL, { body: order() });
    render(<OrderDetailPage />);
    await screen.findByText('已派单');
    api.on('GET', DETAIL, { body: order({ status: 'accepted', actions: ['urge', 'cancel'], version: 5 }) });
    tap(screen.getByRole('button', { name: '催单' }));
    expect(await screen.findByText('已接单')).toBeInTheDocument();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '工单已被他人更新，请刷新后重试' }));
  });

  it('on a completed order offers rating, 没修好 and confirm', async () => {
    detailApi(order({ status: 'completed', actions: ['confirm', 'reopen'] }));
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '修好了，去评价' }));
    tap(screen.getByRole('button', { name: '没修好' }));
    expect(urls).toEqual(['/subpackages/orders/rate/index?id=241', '/subpackages/orders/rate/index?id=241&fixed=0']);
    expect(screen.getByRole('button', { name: '确认完成' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '催单' })).not.toBeInTheDocument();
  });

  it('shows a load failure with 重试', async () => {
    const api = detailApi().once('GET', DETAIL, { networkError: true });
    render(<OrderDetailPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('网络不给力');
    tap(screen.getByText('重试'));
    expect(await screen.findByText('已派单')).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('GET', DETAIL)).toHaveLength(2));
  });
});

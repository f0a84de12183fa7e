import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import OrderDetailPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import type { WorkOrderDetailView } from '@linli/shared';
import { categories, loggedIn, order } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap } from '../../../../test/ui';

const DETAIL = '/api/work-orders/241';
const MIN = 60_000;
/** China-local hh:mm of an instant, as the page shows times of today. */
const hhmm = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(11, 16);
/** A P2 order accepted on time, the visit and the fix still ahead. */
function promised(now = Date.now()): Pick<WorkOrderDetailView, 'promises' | 'arrival'> {
  return {
    promises: [
      {
        stage: 'accept',
        promisedAt: new Date(now - 10 * MIN).toISOString(),
        basis: 'sla',
        state: 'kept',
        doneAt: new Date(now - 20 * MIN).toISOString(),
      },
      {
        stage: 'arrive',
        promisedAt: new Date(now + 90 * MIN).toISOString(),
        basis: 'sla',
        state: 'pending',
        doneAt: null,
      },
      {
        stage: 'resolve',
        promisedAt: new Date(now + 210 * MIN).toISOString(),
        basis: 'sla',
        state: 'pending',
        doneAt: null,
      },
    ],
    arrival: {
      earliestAt: new Date(now + 40 * MIN).toISOString(),
      latestAt: new Date(now + 65 * MIN).toISOString(),
      basis: '师傅前面还有 1 单',
      ahead: 1,
    },
  };
}
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

  it('shows status, technician, content and the timeline, and no countdown', async () => {
    detailApi();
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('已派单')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/剩余|处理时限/);
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

  it('promises each stage a fixed time, says which were kept, and when the technician will come', async () => {
    const now = Date.now();
    const p = promised(now);
    detailApi(order(p));
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('服务承诺')).toBeInTheDocument();
    // Accepted on time: the promise, the actual time and 按时.
    expect(screen.getByText(`承诺 ${hhmm(now - 10 * MIN)} 前接单`)).toBeInTheDocument();
    expect(screen.getByText(`实际 ${hhmm(now - 20 * MIN)}`)).toBeInTheDocument();
    expect(screen.getByText('按时')).toBeInTheDocument();
    // The visit: its own promise (not the accept's, reset), and the predicted arrival.
    expect(screen.getByText(`承诺 ${hhmm(now + 90 * MIN)} 前上门`)).toBeInTheDocument();
    expect(screen.getByText(`承诺 ${hhmm(now + 210 * MIN)} 前完成`)).toBeInTheDocument();
    // The technician card: the latest bound; the visit's row: the window.
    expect(screen.getByText(new RegExp(`^预计.*${hhmm(now + 65 * MIN)} 前上门$`))).toBeInTheDocument();
    expect(
      screen.getByText(new RegExp(`^预计.*${hhmm(now + 40 * MIN)}–${hhmm(now + 65 * MIN)} 上门$`)),
    ).toBeInTheDocument();
    expect(screen.getByText('师傅前面还有 1 单')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/剩余|得分|score/);
  });

  it('a stage done after its promised time reads 超时 with the actual time', async () => {
    const now = Date.now();
    const p = promised(now);
    p.promises![0] = { ...p.promises![0], state: 'late', doneAt: new Date(now - 5 * MIN).toISOString() };
    detailApi(order(p));
    render(<OrderDetailPage />);
    expect(await screen.findByText('超时')).toBeInTheDocument();
    expect(screen.getByText(`实际 ${hhmm(now - 5 * MIN)}`)).toBeInTheDocument();
  });

  it('shows an overdue stage as 已超时, with the apology', async () => {
    const now = Date.now();
    const p = promised(now);
    p.promises![1] = { ...p.promises![1], promisedAt: new Date(now - 20 * MIN).toISOString(), state: 'overdue' };
    detailApi(order({ ...p, arrival: null }));
    render(<OrderDetailPage />);
    expect(await screen.findByText('已超时')).toBeInTheDocument();
    expect(screen.getByText(/非常抱歉/)).toBeInTheDocument();
  });

  it('says 派单中 and promises no arrival while nobody is assigned', async () => {
    detailApi(order({ status: 'submitted', assignee: null, routingState: null, ...promised(), arrival: null }));
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('派单中')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/预计/);
  });

  it('never shows a routing score, even if an answer carried one', async () => {
    const base = order();
    const assign = { ...base.timeline[1], id: 92, action: 'assign' as const, note: '赵师傅（得分 0.73）' };
    detailApi({ ...base, timeline: [base.timeline[0], assign] });
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('派单')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/得分|0\.73/);
  });

  it('reads the order again once the predicted arrival has gone by, instead of showing a past time', async () => {
    const now = Date.now();
    const stale = {
      earliestAt: new Date(now - 30 * MIN).toISOString(),
      latestAt: new Date(now - 5 * MIN).toISOString(),
      basis: '师傅下一单就是您家',
      ahead: 0,
    };
    const api = detailApi(order({ ...promised(now), arrival: stale }));
    api
      .on('GET', DETAIL, { body: order(promised(now)) })
      .once('GET', DETAIL, { body: order({ ...promised(now), arrival: stale }) });
    render(<OrderDetailPage />);
    expect(await screen.findByText(`预计 ${hhmm(now + 65 * MIN)} 前上门`)).toBeInTheDocument();
    expect(api.callsTo('GET', DETAIL).length).toBeGreaterThanOrEqual(2);
  });

  it('shows an overdue order as late when the server sends no promises', async () => {
    detailApi(order({ slaDueAt: new Date(Date.now() - 20 * 60000).toISOString() }));
    render(<OrderDetailPage />);
    expect(await screen.findByText(/非常抱歉/)).toBeInTheDocument();
  });

  it('urges with the version it saw and shows the answer', async () => {
    const api = detailApi().on('POST', TRANSITIONS, { body: order({ urgeCount: 1, version: 4 }) });
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '催单' }));
    expect(await screen.findByText('已催单 1 次')).toBeInTheDocument();
    expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({ action: 'urge', version: 3 });
  });

  it('shows a refused urge in Chinese and waits until the next urge is allowed', async () => {
    const next = new Date(Date.now() + 20 * 60_000).toISOString();
    const hhmm = new Date(Date.parse(next) + 8 * 3600_000).toISOString().slice(11, 16);
    detailApi().on('POST', TRANSITIONS, {
      status: 429,
      body: { code: 'URGE_TOO_SOON', message: 'too soon', details: { nextUrgeAt: next, retryAfterSeconds: 1200 } },
    });
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '催单' }));
    const text = `已催单，30分钟内只能催一次，${hhmm} 后可再催`;
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: text })));
    const waiting = await screen.findByRole('button', { name: `${hhmm} 后可再催` });
    expect(waiting).toHaveAttribute('aria-disabled', 'true');
  });

  it('shows consecutive urges as one timeline line with their count', async () => {
    const base = order();
    const urge = { ...base.timeline[0], id: 90, action: 'urge' as const, count: 2 };
    detailApi({ ...base, timeline: [...base.timeline, urge] });
    render(<OrderDetailPage />);
    expect(await screen.findByText('催单 ×2')).toBeInTheDocument();
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

  const quoted = order({
    status: 'quoted',
    actions: ['approve_quote', 'reject_quote'],
    quote: {
      items: [
        {
          priceItemId: 2,
          kind: 'labour',
          name: '更换水管人工',
          unit: '次',
          quantity: 1,
          unitPriceFen: 5000,
          listPriceFen: 5000,
          amountFen: 5000,
          flag: null,
          reason: null,
        },
        {
          priceItemId: 1,
          kind: 'material',
          name: 'PPR水管',
          unit: '米',
          quantity: 2,
          unitPriceFen: 1850,
          listPriceFen: 1500,
          amountFen: 3700,
          flag: 'over_list',
          reason: '加厚管材',
        },
      ],
      totalFen: 8700,
      approved: null,
      state: 'resident',
      rejectReason: null,
      flaggedCount: 1,
    },
  });

  it('shows the itemised quote beside the list price with its flags, and approves it', async () => {
    const api = detailApi(quoted).on('POST', TRANSITIONS, {
      body: { ...quoted, status: 'in_progress', actions: [], quote: { ...quoted.quote!, approved: true }, version: 4 },
    });
    render(<OrderDetailPage />);
    expect(await screen.findByText('¥87.00')).toBeInTheDocument();
    expect(screen.getByText('¥37.00')).toBeInTheDocument();
    expect(screen.getByText(/材料 · 2米 × ¥18.50/)).toBeInTheDocument();
    expect(screen.getByText('收费标准 ¥15.00/米')).toBeInTheDocument();
    expect(screen.getByText('高于标准价')).toBeInTheDocument();
    expect(screen.getByText('师傅说明：加厚管材')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '同意报价，继续维修' }));
    expect(await screen.findByText('已同意')).toBeInTheDocument();
    expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({ action: 'approve_quote', version: 3 });
  });

  it('rejecting a quote asks for confirmation and a reason, and says what happens next', async () => {
    const api = detailApi(quoted).on('POST', TRANSITIONS, {
      body: {
        ...quoted,
        status: 'in_progress',
        actions: [],
        quote: { ...quoted.quote!, approved: false, state: 'rejected', rejectReason: '价格太高' },
        version: 4,
      },
    });
    render(<OrderDetailPage />);
    tap(await screen.findByRole('button', { name: '不同意' }));
    // Nothing is sent by the first tap: a dialog with what happens next, and a reason to pick.
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);
    const sheet = screen.getByRole('dialog', { name: '确定不同意这份报价？' });
    expect(within(sheet).getByRole('note')).toHaveTextContent('师傅不会按这份报价收费');
    const confirm = within(sheet).getByRole('button', { name: '确认不同意' });
    tap(confirm);
    expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(0);
    tap(within(sheet).getByRole('radio', { name: '价格太高' }));
    tap(confirm);
    await waitFor(() =>
      expect(api.callsTo('POST', TRANSITIONS)[0].body).toEqual({
        action: 'reject_quote',
        version: 3,
        reason: '价格太高',
      }),
    );
    expect(await screen.findByText('未同意')).toBeInTheDocument();
    expect(screen.getByText(/您未同意这份报价（价格太高）/)).toBeInTheDocument();
  });

  it('hides a quote the supervisor has not released, and shows the bill', async () => {
    detailApi(
      order({
        status: 'completed',
        actions: [],
        quote: { ...quoted.quote!, items: [], totalFen: 0, state: 'supervisor', flaggedCount: 0 },
        bill: {
          id: 7,
          status: 'unpaid',
          totalFen: 5000,
          paidFen: 0,
          dueFen: 5000,
          lines: [
            {
              priceItemId: 2,
              name: '更换水管人工',
              kind: 'labour',
              unit: '次',
              unitPriceFen: 5000,
              quantity: 1,
              amountFen: 5000,
            },
          ],
          approvedQuoteFen: 8700,
          waivedReason: null,
          waivedAt: null,
          waivedBy: null,
          version: 1,
          createdAt: '2026-03-01T02:00:00.000Z',
          updatedAt: '2026-03-01T02:00:00.000Z',
        },
      }),
    );
    render(<OrderDetailPage />);
    expect(await screen.findByText(/物业主管审核后会发给您确认/)).toBeInTheDocument();
    const bill = screen.getByLabelText('维修账单');
    expect(within(bill).getByText('待支付')).toBeInTheDocument();
    expect(within(bill).getByTestId('bill-total')).toHaveTextContent('¥50.00');
    expect(within(bill).getByText(/不超过已同意的报价 ¥87.00/)).toBeInTheDocument();
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
    // Each entry preselects its answer, so a rating is never saved with fixed: null.
    expect(urls).toEqual([
      '/subpackages/orders/rate/index?id=241&fixed=1',
      '/subpackages/orders/rate/index?id=241&fixed=0',
    ]);
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

  it('shows a pause reason by its Chinese label, never the code', async () => {
    const base = order({ status: 'paused' });
    const pause = {
      ...base.timeline[1],
      id: 91,
      action: 'pause' as const,
      from: 'in_progress' as const,
      to: 'paused' as const,
      note: 'waiting_parts',
    };
    detailApi({ ...base, timeline: [...base.timeline, pause] });
    render(<OrderDetailPage />);
    expect(await screen.findByText('等配件')).toBeInTheDocument();
    expect(screen.queryByText('waiting_parts')).not.toBeInTheDocument();
  });

  it('shows a pooled order as 等待师傅接单, without routing words', async () => {
    const base = order({ status: 'pooled', assignee: null, routingState: 'pooled' });
    const pool = { ...base.timeline[1], action: 'pool' as const, to: 'pooled' as const, note: '抢单模式' };
    detailApi({ ...base, timeline: [base.timeline[0], pool] });
    const { container } = render(<OrderDetailPage />);
    expect((await screen.findAllByText('等待师傅接单')).length).toBeGreaterThan(0);
    expect(container.textContent).not.toMatch(/抢单|待抢单/);
  });

  it('reads a reopened order as 待返修', async () => {
    detailApi(order({ status: 'reopened', assignee: null, routingState: 'assigned' }));
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('待返修')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/已返修/);
  });

  it('words a complaint as a complaint: 提交投诉, 撤回投诉', async () => {
    const api = detailApi(order({ kind: 'complaint', category: 'other', assignee: null, status: 'submitted' })).on(
      'POST',
      TRANSITIONS,
      { body: order({ kind: 'complaint', status: 'cancelled', actions: [], version: 4 }) },
    );
    const { container } = render(<OrderDetailPage />);
    expect(await screen.findByText('提交投诉')).toBeInTheDocument();
    expect(screen.getByText('投诉内容')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/报修/);
    tap(screen.getByRole('button', { name: '撤回投诉' }));
    expect(screen.getByText('为什么撤回投诉？')).toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '问题已经解决了' }));
    tap(screen.getByRole('button', { name: '确认撤回' }));
    await waitFor(() => expect(api.callsTo('POST', TRANSITIONS)).toHaveLength(1));
  });

  it('apologises for an overdue order, says it was escalated and gives the hotline to call', async () => {
    const late = order({
      priority: 'P1',
      slaDueAt: new Date(Date.now() - 5 * 60000).toISOString(),
      servicePhone: '075586001234',
    });
    detailApi(late).on('GET', '/api/work-orders/241/sla', {
      body: [
        {
          id: 1,
          cycle: 1,
          stage: 'accept',
          status: 'running',
          startedAt: late.createdAt,
          targetMinutes: 5,
          dueAt: late.slaDueAt,
          businessHours: false,
          pausedSeconds: 0,
          pausedSince: null,
          pauseReason: null,
          level: 3,
          breached: true,
          breachedAt: late.slaDueAt,
          stoppedAt: null,
          escalations: [{ level: 3, notified: 'managers', at: late.slaDueAt }],
        },
      ],
    });
    const call = jest.spyOn(Taro, 'makePhoneCall').mockImplementation((() => Promise.resolve()) as never);
    render(<OrderDetailPage />);
    expect(await screen.findByText(/非常抱歉/)).toBeInTheDocument();
    expect(await screen.findByText('已通知物业主管加急处理。')).toBeInTheDocument();
    expect(screen.getByText(/075586001234/)).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '拨打物业电话' }));
    expect(call).toHaveBeenCalledWith({ phoneNumber: '075586001234' });
  });

  it('does not claim an escalation that has not happened', async () => {
    detailApi(order({ slaDueAt: new Date(Date.now() - 5 * 60000).toISOString() })).on(
      'GET',
      '/api/work-orders/241/sla',
      {
        body: [],
      },
    );
    render(<OrderDetailPage />);
    expect(await screen.findByText(/非常抱歉/)).toBeInTheDocument();
    expect(screen.getByText('着急可直接联系物业服务中心')).toBeInTheDocument();
    expect(screen.queryByText('已通知物业主管加急处理。')).not.toBeInTheDocument();
  });
});

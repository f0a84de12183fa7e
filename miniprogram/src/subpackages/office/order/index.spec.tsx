import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import OfficeOrderPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { order } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap } from '../../../../test/ui';
import { desk, signIn } from '../test-users';

const DETAIL = '/api/work-orders/241';
const TRANSITIONS = '/api/work-orders/241/transitions';
const techs = [
  {
    id: 7,
    name: '赵师傅',
    role: 'technician',
    communityIds: [1],
    openOrders: 3,
    capacity: 6,
    onShift: true,
    onLeave: false,
  },
  {
    id: 8,
    name: '钱师傅',
    role: 'technician',
    communityIds: [1],
    openOrders: 1,
    capacity: 6,
    onShift: true,
    onLeave: false,
  },
  {
    id: 9,
    name: '孙师傅',
    role: 'technician',
    communityIds: [1],
    openOrders: 0,
    capacity: 6,
    onShift: false,
    onLeave: false,
  },
];
const complaint = (over = {}) =>
  order({
    kind: 'complaint',
    category: 'other',
    description: '楼下餐馆油烟太大',
    status: 'submitted',
    assignee: null,
    actions: ['assign', 'pool', 'cancel'],
    ...over,
  });
const sent = (api: FakeApi) => api.callsTo('POST', TRANSITIONS).map((c) => c.body);

describe('工单详情 (office order)', () => {
  beforeEach(() => {
    signIn(desk);
    stubNavigation();
    setRouter('/subpackages/office/order/index', { id: '241' });
  });
  afterEach(() => jest.restoreAllMocks());

  it('assigns a complaint to a technician of the community with a reason', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', DETAIL, { body: complaint() })
      .on('GET', '/api/staff', { body: techs })
      .on('POST', TRANSITIONS, {
        body: complaint({
          status: 'assigned',
          version: 4,
          assignee: { id: 8, name: '钱师傅', phone: null },
          actions: [],
        }),
      });
    render(<OfficeOrderPage />);
    expect(await screen.findByText('投诉内容')).toBeInTheDocument();
    expect(screen.getByText('楼下餐馆油烟太大')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '派单' }));
    const sheet = screen.getByRole('dialog', { name: '派给' });
    expect(await within(sheet).findByRole('radio', { name: '孙师傅' })).toHaveTextContent('不在班');
    expect(within(sheet).getByRole('radio', { name: '钱师傅' })).toHaveTextContent('在办 1/6');
    expect(api.callsTo('GET', '/api/staff')[0].query).toEqual({ role: 'technician', communityId: '1' });
    tap(within(sheet).getByRole('radio', { name: '钱师傅' }));
    tap(within(sheet).getByRole('radio', { name: '请师傅上门核实处理' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    await waitFor(() =>
      expect(sent(api)).toEqual([{ action: 'assign', version: 3, assigneeId: 8, reason: '请师傅上门核实处理' }]),
    );
    expect(await screen.findByText('已派单')).toBeInTheDocument();
    expect(screen.getByTestId('screen')).toHaveTextContent('钱师傅');
  });

  it("shows the answer and waits for the complainant's confirmation; calls them", async () => {
    const call = jest.spyOn(Taro, 'makePhoneCall').mockResolvedValue({ errMsg: 'ok' } as never);
    const done = complaint({
      status: 'completed',
      assignee: { id: 8, name: '钱师傅', phone: '13700000108' },
      actions: ['reopen'],
      timeline: [
        ...order().timeline,
        {
          id: 3,
          action: 'complete',
          from: 'in_progress',
          to: 'completed',
          actor: { id: 8, role: 'technician', name: '钱师傅' },
          note: '已约谈餐馆，加装油烟净化器',
          photoIds: [],
          photos: [],
          at: '2026-11-27T09:00:00.000Z',
        },
      ],
    });
    new FakeApi().install().on('GET', DETAIL, { body: done });
    render(<OfficeOrderPage />);
    expect(await screen.findByRole('status')).toHaveTextContent('已答复，等待投诉人在小程序确认');
    expect(screen.getAllByText('已约谈餐馆，加装油烟净化器').length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: '返修' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /派单|改派/ })).not.toBeInTheDocument();
    tap(screen.getAllByRole('button', { name: '打电话' })[0]);
    expect(call).toHaveBeenCalledWith({ phoneNumber: '13910007919' });
  });

  it('on 409 reloads and says someone else changed it', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', DETAIL, { body: complaint({ status: 'cancelled', version: 5, actions: [] }) })
      .once('GET', DETAIL, { body: complaint() })
      .on('POST', TRANSITIONS, apiError(409, 'VERSION_CONFLICT'));
    render(<OfficeOrderPage />);
    tap(await screen.findByRole('button', { name: '放入抢单池' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('工单已被他人更新');
    expect(await screen.findByText('已取消')).toBeInTheDocument();
    expect(api.callsTo('GET', DETAIL)).toHaveLength(2);
  });

  it('names the technician a complaint is about and leaves them out of 派单; shows the resident photos', async () => {
    new FakeApi()
      .install()
      .on('GET', DETAIL, {
        body: complaint({
          about: { id: 7, name: '赵师傅' },
          photos: [{ id: 51, url: '/api/uploads/51/content?sig=z' }],
        }),
      })
      .on('GET', '/api/staff', { body: techs });
    render(<OfficeOrderPage />);
    expect(await screen.findByText('被投诉师傅')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '住户照片 1' })).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '派单' }));
    const sheet = screen.getByRole('dialog', { name: '派给' });
    expect(await within(sheet).findByRole('radio', { name: '钱师傅' })).toBeInTheDocument();
    expect(within(sheet).queryByRole('radio', { name: '赵师傅' })).not.toBeInTheDocument();
  });

  const flaggedQuote = {
    items: [
      {
        priceItemId: null,
        kind: 'labour' as const,
        name: '拆装橱柜',
        unit: '项',
        quantity: 1,
        unitPriceFen: 3000,
        listPriceFen: null,
        amountFen: 3000,
        flag: 'off_list' as const,
        reason: '角阀在橱柜后面',
      },
    ],
    totalFen: 3000,
    approved: null,
    state: 'supervisor' as const,
    rejectReason: null,
    flaggedCount: 1,
  };

  it('a supervisor releases a quote above the ceiling, reading the flagged line first', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', DETAIL, {
        body: order({ status: 'quoted', actions: ['release_quote', 'return_quote', 'cancel'], quote: flaggedQuote }),
      })
      .on('POST', TRANSITIONS, {
        body: order({ status: 'quoted', version: 4, actions: [], quote: { ...flaggedQuote, state: 'resident' } }),
      });
    render(<OfficeOrderPage />);
    expect(await screen.findByTestId('quote-flag')).toHaveTextContent('收费标准外：角阀在橱柜后面');
    expect(screen.getByText('待主管审核')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '报价审核通过' }));
    await waitFor(() =>
      expect(api.callsTo('POST', TRANSITIONS).map((c) => c.body)).toEqual([{ action: 'release_quote', version: 3 }]),
    );
    expect(await screen.findByText('待住户确认')).toBeInTheDocument();
  });

  it('the desk waives an unpaid bill with a reason', async () => {
    const bill = {
      id: 5,
      status: 'unpaid' as const,
      totalFen: 11500,
      paidFen: 0,
      dueFen: 11500,
      lines: [],
      approvedQuoteFen: 15000,
      waivedReason: null,
      waivedAt: null,
      waivedBy: null,
      version: 1,
      createdAt: '2026-03-01T02:00:00.000Z',
      updatedAt: '2026-03-01T02:00:00.000Z',
    };
    const api = new FakeApi()
      .install()
      .on('GET', DETAIL, { body: order({ status: 'completed', actions: ['reopen'], bill }) })
      .on('POST', '/api/work-orders/241/bill/waive', { body: { ...bill, status: 'waived', version: 2 } });
    render(<OfficeOrderPage />);
    tap(await screen.findByRole('button', { name: '减免账单' }));
    const sheet = screen.getByRole('dialog', { name: '减免账单' });
    expect(within(sheet).getByRole('note')).toHaveTextContent('减免会记入操作日志');
    tap(within(sheet).getByRole('radio', { name: '老旧设施，物业承担' }));
    api.on('GET', DETAIL, {
      body: order({
        status: 'completed',
        actions: ['reopen'],
        bill: { ...bill, status: 'waived', waivedReason: '老旧设施，物业承担' },
      }),
    });
    tap(within(sheet).getByRole('button', { name: '确认减免' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/work-orders/241/bill/waive').map((c) => c.body)).toEqual([
        { reason: '老旧设施，物业承担', version: 1 },
      ]),
    );
    expect(await screen.findByText(/已减免：老旧设施，物业承担/)).toBeInTheDocument();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已减免' }));
  });
});

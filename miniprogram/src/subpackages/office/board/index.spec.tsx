import { render, screen, waitFor, within } from '@testing-library/react';
import BoardPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { order } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';
import { signIn, supervisor } from '../test-users';

const board = {
  generatedAt: '2026-11-27T08:00:00.000Z',
  technicians: [
    {
      id: 7,
      name: '赵师傅',
      phone: null,
      status: 'busy',
      onShift: true,
      onLeave: false,
      capacity: 6,
      openOrders: 4,
      inProgress: 1,
      atRisk: 2,
      breached: 1,
    },
    {
      id: 8,
      name: '钱师傅',
      phone: null,
      status: 'available',
      onShift: true,
      onLeave: false,
      capacity: 6,
      openOrders: 1,
      inProgress: 0,
      atRisk: 0,
      breached: 0,
    },
    {
      id: 9,
      name: '孙师傅',
      phone: null,
      status: 'on_leave',
      onShift: true,
      onLeave: true,
      capacity: 6,
      openOrders: 0,
      inProgress: 0,
      atRisk: 0,
      breached: 0,
    },
  ],
  totals: { open: 9, unassigned: 2, warning: 1, critical: 1, breached: 1 },
  escalations: [
    {
      workOrderId: 241,
      orderNo: 'HY-1',
      status: 'accepted',
      priority: 'P2',
      location: '海月花园 1栋1单元101',
      stage: 'arrive',
      level: 3,
      at: '2026-11-27T07:50:00.000Z',
      assignee: { id: 7, name: '赵师傅', phone: null },
    },
  ],
};
const risky = [
  order({ id: 241, no: 'HY-1', status: 'accepted', version: 6, slaDueAt: new Date(Date.now() - 600000).toISOString() }),
  order({ id: 242, no: 'HY-2', status: 'in_progress', slaDueAt: new Date(Date.now() + 600000).toISOString() }),
];
const techs = [
  {
    id: 7,
    name: '赵师傅',
    role: 'technician',
    communityIds: [1],
    openOrders: 4,
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
];

function boardApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/staff/board', { body: board })
    .on('GET', '/api/work-orders', { body: { items: risky, total: 2, page: 1, pageSize: 20 } })
    .on('GET', '/api/leave', { body: [{ id: 1 }, { id: 2 }] })
    .on('GET', '/api/staff', { body: techs });
}

describe('团队看板 (supervisor board)', () => {
  let urls: string[];
  beforeEach(() => {
    signIn(supervisor);
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows totals, at-risk orders, every technician and the escalations', async () => {
    const api = boardApi();
    render(<BoardPage />);
    const stats = await screen.findByLabelText('工单概况');
    expect(within(stats).getByText('已超时').previousSibling).toHaveTextContent('1');
    expect(within(stats).getByText('待派').previousSibling).toHaveTextContent('2');
    expect(api.callsTo('GET', '/api/work-orders')[0].query).toMatchObject({ atRisk: '50', sort: 'sla' });

    const orders = await screen.findAllByTestId('risk-order');
    expect(orders[0]).toHaveTextContent(/已超时 10分钟/);
    // accepted may be reassigned; in_progress may not (the state machine says so).
    expect(within(orders[0]).getByRole('button', { name: '改派 HY-1' })).toBeInTheDocument();
    expect(within(orders[1]).queryByRole('button', { name: /改派/ })).not.toBeInTheDocument();

    const rows = screen.getAllByTestId('board-tech');
    expect(rows[0]).toHaveTextContent('赵师傅');
    expect(rows[0]).toHaveTextContent('在办 4/6 · 进行中 1 · 风险 2 · 超时 1');
    expect(within(rows[0]).getByText('忙碌')).toHaveClass('pill-warn');
    expect(within(rows[2]).getByText('请假')).toHaveClass('pill-danger');
    expect(screen.getByText('已超时 · 到场')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '请假审批' })).toHaveTextContent('2');
    tap(screen.getByRole('button', { name: '请假审批' }));
    expect(urls).toEqual(['/subpackages/office/leave/index']);
  });

  it('reassigns an at-risk order with one tap and a reason', async () => {
    const api = boardApi().on('POST', '/api/work-orders/241/transitions', {
      body: order({ id: 241, status: 'assigned', assignee: { id: 8, name: '钱师傅', phone: null } }),
    });
    render(<BoardPage />);
    tap(await screen.findByRole('button', { name: '改派 HY-1' }));
    const sheet = screen.getByRole('dialog', { name: '改派 HY-1' });
    // The current assignee is not offered.
    expect(await within(sheet).findByRole('radio', { name: '钱师傅' })).toBeInTheDocument();
    expect(within(sheet).queryByRole('radio', { name: '赵师傅' })).not.toBeInTheDocument();
    tap(within(sheet).getByRole('radio', { name: '钱师傅' }));
    tap(within(sheet).getByRole('radio', { name: '已超时 10分钟，尽快处理' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('已改派给 钱师傅');
    expect(api.callsTo('POST', '/api/work-orders/241/transitions')[0].body).toEqual({
      action: 'assign',
      version: 6,
      assigneeId: 8,
      reason: '已超时 10分钟，尽快处理',
    });
    await waitFor(() => expect(api.callsTo('GET', '/api/staff/board')).toHaveLength(2));
  });

  it('says so when the order changed meanwhile', async () => {
    boardApi().on('POST', '/api/work-orders/241/transitions', apiError(409, 'VERSION_CONFLICT'));
    render(<BoardPage />);
    tap(await screen.findByRole('button', { name: '改派 HY-1' }));
    const sheet = screen.getByRole('dialog', { name: '改派 HY-1' });
    tap(await within(sheet).findByRole('radio', { name: '钱师傅' }));
    tap(within(sheet).getByRole('radio', { name: '原师傅请假' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('工单刚被他人处理，已刷新');
  });

  it('offers 派单 on an unassigned order and says how late a late order is', async () => {
    const late = order({
      id: 243,
      no: 'HY-3',
      status: 'submitted',
      assignee: null,
      version: 2,
      slaDueAt: new Date(Date.now() - 5 * 86400000).toISOString(),
      urgeCount: 3,
    });
    const api = new FakeApi()
      .install()
      .on('GET', '/api/staff/board', { body: board })
      .on('GET', '/api/work-orders', { body: { items: [late], total: 1, page: 1, pageSize: 20 } })
      .on('GET', '/api/leave', { body: [] })
      .on('GET', '/api/staff', { body: techs })
      .on('POST', '/api/work-orders/243/transitions', {
        body: order({ id: 243, status: 'assigned', assignee: { id: 8, name: '钱师傅', phone: null } }),
      });
    render(<BoardPage />);
    const card = (await screen.findAllByTestId('risk-order'))[0];
    expect(card).toHaveTextContent('已超时 5天');
    expect(card).toHaveTextContent('未派人 · 催单 3次');
    expect(within(card).queryByRole('button', { name: /改派/ })).not.toBeInTheDocument();
    tap(within(card).getByRole('button', { name: '派单 HY-3' }));
    const sheet = screen.getByRole('dialog', { name: '派单 HY-3' });
    expect(within(sheet).queryByText(/即将超时/)).not.toBeInTheDocument();
    tap(await within(sheet).findByRole('radio', { name: '钱师傅' }));
    tap(within(sheet).getByRole('radio', { name: '已超时 5天，尽快处理' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('已派给 钱师傅');
    expect(api.callsTo('POST', '/api/work-orders/243/transitions')[0].body).toMatchObject({ assigneeId: 8 });
  });
});

import { render, screen, waitFor, within } from '@testing-library/react';
import DeskHomePage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { order, staffLoggedIn } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';
import { homeFor } from '../../../hooks/use-session';
import { desk, signIn } from '../test-users';

const page = (total: number, items: unknown[] = []) => ({ items, total, page: 1, pageSize: 50 });

describe('客服工作台 (desk home)', () => {
  let urls: string[];
  beforeEach(() => {
    signIn(desk);
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lands each role on its own home', () => {
    expect(homeFor('technician')).toBe('/subpackages/staff/queue/index');
    expect(homeFor('desk')).toBe('/subpackages/office/desk/index');
    expect(homeFor('supervisor')).toBe('/subpackages/office/board/index');
    expect(homeFor('admin')).toBe('/subpackages/office/board/index');
    expect(homeFor('resident')).toBe('/pages/home/index');
  });

  it('shows open follow-ups (with the overdue ones) and complaints, and opens each task', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/follow-ups', { body: page(3, [{ overdue: true }, { overdue: false }, { overdue: true }]) })
      .on('GET', '/api/work-orders', { body: page(2) });
    render(<DeskHomePage />);
    expect(await screen.findByText('2 条已超时')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '回访' })).toHaveTextContent('3');
    expect(screen.getByRole('button', { name: '投诉' })).toHaveTextContent('2');
    expect(api.callsTo('GET', '/api/follow-ups')[0].query).toMatchObject({ status: 'open' });
    expect(api.callsTo('GET', '/api/work-orders')[0].query).toMatchObject({ kind: 'complaint' });
    expect(api.callsTo('GET', '/api/work-orders')[0].query.status.split(',')).not.toContain('closed');

    tap(screen.getByRole('button', { name: '电话报修' }));
    tap(screen.getByRole('button', { name: '回访' }));
    tap(screen.getByRole('button', { name: '投诉' }));
    expect(urls).toEqual([
      '/subpackages/office/new-order/index',
      '/subpackages/office/follow-ups/index',
      '/subpackages/office/complaints/index',
    ]);
  });

  it('sends a technician back to the queue', async () => {
    staffLoggedIn();
    new FakeApi().install();
    render(<DeskHomePage />);
    await waitFor(() => expect(urls).toEqual(['/subpackages/staff/queue/index']));
  });

  it('lists the orders waiting for someone (待派单) and the reopened ones (返修), each with one-tap 派单', async () => {
    const waiting = order({ id: 301, no: 'HY-301', status: 'submitted', assignee: null, version: 2, urgeCount: 1 });
    const back = order({ id: 302, no: 'HY-302', status: 'reopened', assignee: null, version: 7, reopenCount: 1 });
    const api = new FakeApi()
      .install()
      .on('GET', '/api/follow-ups', { body: page(0) })
      .on('GET', '/api/work-orders', (req) => ({
        body: String(req.query.status) === 'reopened' ? page(1, [back]) : req.query.kind ? page(0) : page(1, [waiting]),
      }))
      .on('GET', '/api/staff', {
        body: [
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
        ],
      })
      .on('POST', '/api/work-orders/302/transitions', {
        body: order({ id: 302, status: 'assigned', assignee: { id: 8, name: '钱师傅', phone: null } }),
      });
    render(<DeskHomePage />);
    const pending = await screen.findByRole('region', { name: '待派单' });
    expect(await within(pending).findByText(/催单 1次/)).toBeInTheDocument();
    expect(within(pending).getByRole('button', { name: '派单 HY-301' })).toBeInTheDocument();
    const reopened = screen.getByRole('region', { name: '返修' });
    expect(await within(reopened).findByText(/返修 1次/)).toBeInTheDocument();
    const queries = api.callsTo('GET', '/api/work-orders').map((c) => c.query.status);
    expect(queries).toEqual(expect.arrayContaining(['submitted,pooled', 'reopened']));

    tap(within(reopened).getByRole('button', { name: '派单 HY-302' }));
    const sheet = screen.getByRole('dialog', { name: '派单 HY-302' });
    tap(await within(sheet).findByRole('radio', { name: '钱师傅' }));
    tap(within(sheet).getByRole('radio', { name: '住户反映没修好，请上门返修' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('已派给 钱师傅');
    expect(api.callsTo('POST', '/api/work-orders/302/transitions')[0].body).toEqual({
      action: 'assign',
      version: 7,
      assigneeId: 8,
      reason: '住户反映没修好，请上门返修',
    });
  });

  it("pins urgent orders with their mark and shows each candidate's skills and load, warning on a missing skill and a full plate", async () => {
    const p3 = order({
      id: 311,
      no: 'HY-311',
      priority: 'P3',
      status: 'submitted',
      assignee: null,
      slaDueAt: '2020-01-01T00:00:00.000Z',
    });
    const p1 = order({
      id: 312,
      no: 'HY-312',
      priority: 'P1',
      status: 'submitted',
      assignee: null,
      slaDueAt: '2099-01-01T00:00:00.000Z',
    });
    const tech = (id: number, name: string, skills: object[], openOrders: number, capacity: number) => ({
      id,
      name,
      role: 'technician',
      communityIds: [1],
      skills,
      openOrders,
      capacity,
      onShift: true,
      onLeave: false,
    });
    const api = new FakeApi()
      .install()
      .on('GET', '/api/follow-ups', { body: page(0) })
      .on('GET', '/api/work-orders', (req) => ({
        body: req.query.status === 'submitted,pooled' ? page(2, [p3, p1]) : page(0),
      }))
      .on('GET', '/api/staff', {
        body: [
          tech(
            8,
            '钱师傅',
            [
              { category: 'electrical', level: 3 },
              { category: 'plumbing', level: 4 },
            ],
            1,
            6,
          ),
          tech(9, '孙师傅', [{ category: 'electrical', level: 5 }], 2, 6),
          tech(10, '李师傅', [{ category: 'plumbing', level: 2 }], 6, 6),
        ],
      })
      .on('POST', '/api/work-orders/312/transitions', {
        body: order({ id: 312, status: 'assigned', assignee: { id: 9, name: '孙师傅', phone: null } }),
      });
    render(<DeskHomePage />);
    const pending = await screen.findByRole('region', { name: '待派单' });
    const rows = await within(pending).findAllByTestId('desk-order');
    // The P1 is pinned above the P3 whose deadline passed long ago, and marked 紧急.
    expect(rows.map((r) => within(r).getByRole('link').getAttribute('aria-label'))).toEqual([
      '工单 HY-312',
      '工单 HY-311',
    ]);
    expect(within(rows[0]).getByText('紧急')).toHaveClass('prio-p1');

    tap(within(rows[0]).getByRole('button', { name: '派单 HY-312' }));
    const sheet = screen.getByRole('dialog', { name: '派单 HY-312' });
    const qian = await within(sheet).findByRole('radio', { name: '钱师傅' });
    expect(qian).toHaveTextContent('钱师傅 · 水管漏水4级');
    expect(qian).toHaveTextContent('在办 1/6');
    expect(qian).toHaveTextContent('技能：水管漏水4级、电路停电3级');
    expect(within(qian).queryByTestId('assign-warning')).not.toBeInTheDocument();
    const sun = within(sheet).getByRole('radio', { name: '孙师傅' });
    expect(within(sun).getByTestId('assign-warning')).toHaveTextContent('无此技能');
    const li = within(sheet).getByRole('radio', { name: '李师傅' });
    expect(within(li).getByTestId('assign-warning')).toHaveTextContent('已满');
    expect(li).toHaveTextContent('在办 6/6');

    // Assigning anyway stays possible: the warning is repeated above 确认, no second step.
    tap(sun);
    expect(within(sheet).getByTestId('assign-picked-warning')).toHaveTextContent(
      '注意：该师傅无此技能，确认后仍会派单',
    );
    tap(within(sheet).getByRole('radio', { name: '即将超时，改派' }));
    tap(within(sheet).getByRole('button', { name: '确认' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders/312/transitions')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/work-orders/312/transitions')[0].body).toMatchObject({ assigneeId: 9 });
  });
});

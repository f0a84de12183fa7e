import { render, screen, waitFor, within } from '@testing-library/react';
import StaffQueuePage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { order, staffLoggedIn } from '../../../../test/fixtures';
import { storage } from '../../../services/storage';
import { stubNavigation, tap } from '../../../../test/ui';

const inMinutes = (m: number) => new Date(Date.now() + m * 60000).toISOString();
const page = (items: unknown[]) => ({ items, total: items.length, page: 1, pageSize: 50 });

const mine = [
  order({
    id: 1,
    no: 'A-1',
    priority: 'P3',
    status: 'accepted',
    location: '海月花园 3栋201',
    slaDueAt: inMinutes(240),
  }),
  order({ id: 2, no: 'A-2', priority: 'P1', status: 'assigned', location: '海月花园 1栋101', slaDueAt: inMinutes(30) }),
  order({
    id: 3,
    no: 'A-3',
    priority: 'P2',
    status: 'in_progress',
    location: '海月花园 2栋502',
    slaDueAt: inMinutes(-15),
  }),
];
const pooled = [order({ id: 9, no: 'P-9', status: 'pooled', priority: 'P2', location: '海月花园 5栋', version: 2 })];

function queueApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/work-orders', (req) => ({ body: page(req.query.status === 'pooled' ? pooled : mine) }));
}

describe('技术员工单 queue', () => {
  let urls: string[];
  beforeEach(() => {
    staffLoggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists my open orders P1/P2 pinned, then nearest SLA first, with priority, status, location and countdown', async () => {
    const api = queueApi();
    render(<StaffQueuePage />);
    await screen.findByText('海月花园 1栋101');
    expect(api.callsTo('GET', '/api/work-orders')[0].query).toEqual({
      status: 'assigned,accepted,on_the_way,in_progress,paused,quoted',
      sort: 'sla',
      pageSize: '50',
    });
    const items = screen.getAllByTestId('queue-item');
    // The P1 (30 minutes left) is pinned above the late P2, then the P3 with 4 hours.
    expect(items.map((el) => within(el).getByText(/海月花园/).textContent)).toEqual([
      '海月花园 1栋101',
      '海月花园 2栋502',
      '海月花园 3栋201',
    ]);
    expect(within(items[1]).getByText('加急')).toHaveClass('prio-p2');
    expect(within(items[1]).getByText(/已超时 1[45]分钟/)).toHaveClass('queue-late');
    expect(within(items[1]).getByText('维修中')).toBeInTheDocument();
    expect(within(items[0]).getByText('紧急')).toHaveClass('prio-p1');
    expect(within(items[0]).getByText(/剩余 (29|30)分钟/)).toBeInTheDocument();
    expect(within(items[0]).getByText('已派单')).toBeInTheDocument();
    expect(within(items[2]).queryByText(/紧急|加急/)).not.toBeInTheDocument();
    expect(within(items[2]).getByText(/剩余 (3小时59分|4小时)/)).toBeInTheDocument();

    tap(items[0]);
    expect(urls).toEqual(['/subpackages/staff/order/index?id=2']);
  });

  it('grabs a pooled order and opens it', async () => {
    const api = queueApi().on('POST', '/api/work-orders/9/transitions', {
      body: order({ id: 9, status: 'accepted', version: 3 }),
    });
    render(<StaffQueuePage />);
    tap(await screen.findByRole('tab', { name: '抢单池' }));
    tap(await screen.findByRole('button', { name: '抢单 P-9' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/staff/order/index?id=9']));
    expect(api.callsTo('GET', '/api/work-orders').some((c) => c.query.status === 'pooled')).toBe(true);
    expect(api.callsTo('POST', '/api/work-orders/9/transitions')[0].body).toEqual({ action: 'grab', version: 2 });
  });

  it('says who won a lost grab and refreshes the pool', async () => {
    const api = queueApi().on('POST', '/api/work-orders/9/transitions', {
      status: 409,
      body: {
        code: 'TRANSITION_NOT_ALLOWED',
        message: 'not allowed',
        details: { status: 'accepted', assignee: { id: 8, name: '张师傅' } },
      },
    });
    render(<StaffQueuePage />);
    tap(await screen.findByRole('tab', { name: '抢单池' }));
    tap(await screen.findByRole('button', { name: '抢单 P-9' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('已被 张师傅 抢走');
    expect(urls).toEqual([]);
    await waitFor(() =>
      expect(api.callsTo('GET', '/api/work-orders').filter((c) => c.query.status === 'pooled')).toHaveLength(2),
    );
  });

  it("shows today's numbers and the technician's own scores", async () => {
    queueApi().on('GET', '/api/staff/me/today', {
      body: {
        date: '2026-11-27',
        doneToday: 4,
        open: 3,
        satisfaction: {
          from: '2026-08-30',
          to: '2026-11-27',
          rated: 12,
          completed: 15,
          index: 86.4,
          csat: 0.917,
          meanStars: 4.5,
          firstTimeFixRate: 0.8,
        },
      },
    });
    render(<StaffQueuePage />);
    const card = await screen.findByLabelText('今日概况');
    expect(within(card).getByText('今日完成').previousSibling).toHaveTextContent('4');
    expect(within(card).getByText('待处理').previousSibling).toHaveTextContent('3');
    expect(within(card).getByText('满意度').previousSibling).toHaveTextContent('86');
    expect(within(card).getByText('一次修复率').previousSibling).toHaveTextContent('80%');
    expect(card).toHaveTextContent('近90天 12 条评价，好评率 92%');
  });

  it('says so when there are no ratings yet', async () => {
    queueApi().on('GET', '/api/staff/me/today', {
      body: {
        date: '2026-11-27',
        doneToday: 0,
        open: 0,
        satisfaction: {
          from: '2026-08-30',
          to: '2026-11-27',
          rated: 0,
          completed: 0,
          index: 75,
          csat: null,
          meanStars: null,
          firstTimeFixRate: null,
        },
      },
    });
    render(<StaffQueuePage />);
    const card = await screen.findByLabelText('今日概况');
    expect(within(card).getByText('满意度').previousSibling).toHaveTextContent('—');
    expect(card).toHaveTextContent('近90天还没有住户评价');
  });

  it('sends the desk to its own home', async () => {
    storage.setSession('tok-d', {
      id: 3,
      role: 'desk',
      name: '客服小周',
      phone: null,
      companyId: 1,
      communityIds: [1],
    });
    queueApi();
    render(<StaffQueuePage />);
    await waitFor(() => expect(urls).toEqual(['/subpackages/office/desk/index']));
  });

  it('shows on the card how often the resident urged, and the visit window', async () => {
    new FakeApi().install().on('GET', '/api/work-orders', (req) => ({
      body: page(
        req.query.status === 'pooled'
          ? []
          : [
              { ...mine[0], urgeCount: 2 },
              { ...mine[1], visitWindow: { from: inMinutes(24 * 60 * 9), to: inMinutes(24 * 60 * 9 + 120) } },
            ],
      ),
    }));
    render(<StaffQueuePage />);
    await screen.findByText('海月花园 1栋101');
    const urged = screen.getAllByTestId('queue-urged');
    expect(urged).toHaveLength(1);
    expect(urged[0]).toHaveTextContent('催单 2次');
    // The visit window in Chinese: nine days ahead is a date (12月12日 14:00–16:00).
    expect(screen.getByTestId('queue-visit')).toHaveTextContent(/^上门 \d+月\d+日 \d\d:\d\d–\d\d:\d\d$/);
  });
});

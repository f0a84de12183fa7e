import { render, screen, waitFor } from '@testing-library/react';
import OrderListPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { categories, loggedIn, order } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';

describe('我的工单', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists open orders first, with status labels, and filters by tab', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/categories', { body: categories })
      .on('GET', '/api/work-orders', (req) => ({
        body: {
          items:
            req.query.status === 'completed'
              ? [order({ id: 2, status: 'completed', category: 'lift', description: '电梯异响' })]
              : [order({ id: 1, status: 'paused' })],
          total: 1,
          page: 1,
          pageSize: 20,
        },
      }));
    render(<OrderListPage />);
    expect(await screen.findByText('暂停中')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/work-orders')[0].query.status).toBe(
      'submitted,pooled,assigned,accepted,on_the_way,in_progress,paused,quoted,reopened',
    );

    tap(screen.getByRole('tab', { name: '待评价' }));
    expect(await screen.findByText('已完工')).toBeInTheDocument();
    expect(screen.getByText('电梯故障')).toBeInTheDocument();

    tap(screen.getByText('电梯异响'));
    expect(urls).toEqual(['/subpackages/orders/detail/index?id=2']);
  });

  it('reads a pooled order as 等待师傅接单 and a reopened one as 待返修', async () => {
    new FakeApi()
      .install()
      .on('GET', '/api/categories', { body: categories })
      .on('GET', '/api/work-orders', {
        body: {
          items: [order({ id: 1, status: 'pooled' }), order({ id: 2, status: 'reopened' })],
          total: 2,
          page: 1,
          pageSize: 20,
        },
      });
    const { container } = render(<OrderListPage />);
    expect(await screen.findByText('等待师傅接单')).toBeInTheDocument();
    expect(screen.getByText('待返修')).toBeInTheDocument();
    expect(container.textContent).not.toMatch(/待抢单|已返修/);
  });

  it('loads more pages', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/categories', { body: categories })
      .on('GET', '/api/work-orders', (req) => ({
        body: {
          items: [order({ id: Number(req.query.page), description: `第${req.query.page}页` })],
          total: 2,
          page: Number(req.query.page),
          pageSize: 20,
        },
      }));
    render(<OrderListPage />);
    tap(await screen.findByRole('button', { name: '加载更多' }));
    expect(await screen.findByText('第2页')).toBeInTheDocument();
    expect(screen.getByText('第1页')).toBeInTheDocument();
    expect(screen.getByText('没有更多了')).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('GET', '/api/work-orders')).toHaveLength(2));
  });

  it('shows the kind for complaints and suggestions, the category for repairs', async () => {
    new FakeApi()
      .install()
      .on('GET', '/api/categories', { body: categories })
      .on('GET', '/api/work-orders', {
        body: {
          items: [
            order({ id: 1, kind: 'complaint', category: 'other', description: '夜间施工扰民' }),
            order({ id: 2, kind: 'suggestion', category: 'other', description: '建议加装雨棚' }),
            order({ id: 3 }),
          ],
          total: 3,
          page: 1,
          pageSize: 20,
        },
      });
    render(<OrderListPage />);
    expect(await screen.findByText('投诉')).toBeInTheDocument();
    expect(screen.getByText('建议/咨询')).toBeInTheDocument();
    expect(screen.getByText('水管漏水')).toBeInTheDocument();
    expect(screen.queryByText('其他')).not.toBeInTheDocument();
  });
});

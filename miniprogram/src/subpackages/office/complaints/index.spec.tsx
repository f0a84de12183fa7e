import { render, screen, waitFor, within } from '@testing-library/react';
import ComplaintsPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { order } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';
import { desk, signIn } from '../test-users';

const page = (items: unknown[]) => ({ items, total: items.length, page: 1, pageSize: 50 });

describe('投诉处理 (complaints)', () => {
  let urls: string[];
  beforeEach(() => {
    signIn(desk);
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('lists complaints by stage and opens one', async () => {
    const api = new FakeApi().install().on('GET', '/api/work-orders', (req) => ({
      body: page(
        req.query.status === 'completed'
          ? [order({ id: 7, kind: 'complaint', status: 'completed', description: '垃圾清运不及时' })]
          : [
              order({
                id: 5,
                no: 'C-5',
                kind: 'complaint',
                status: 'submitted',
                assignee: null,
                description: '楼道噪音',
              }),
            ],
      ),
    }));
    render(<ComplaintsPage />);
    const item = await screen.findByRole('button', { name: '投诉 C-5' });
    expect(within(item).getByText('楼道噪音')).toBeInTheDocument();
    expect(item).toHaveTextContent('投诉人 徐敏 · 未派人');
    expect(api.callsTo('GET', '/api/work-orders')[0].query).toMatchObject({ kind: 'complaint', sort: 'sla' });

    tap(screen.getByRole('tab', { name: /待确认/ }));
    expect(await screen.findByText('待投诉人确认')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/work-orders')[1].query).toMatchObject({ kind: 'complaint', status: 'completed' });
    tap(screen.getByTestId('complaint-item'));
    await waitFor(() => expect(urls).toEqual(['/subpackages/office/order/index?id=7']));
  });
});

import { render, screen, waitFor } from '@testing-library/react';
import DeskHomePage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { staffLoggedIn } from '../../../../test/fixtures';
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
});

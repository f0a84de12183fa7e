import { render, screen, waitFor, within } from '@testing-library/react';
import LeavePage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { stubNavigation, tap } from '../../../../test/ui';
import { desk, signIn, supervisor } from '../test-users';

const leave = (id: number, userId: number, userName: string) => ({
  id,
  userId,
  userName,
  startAt: '2026-11-28T01:00:00.000Z',
  endAt: '2026-11-28T10:00:00.000Z',
  reason: '孩子开家长会',
  status: 'pending',
  reviewedById: null,
  createdAt: '2026-11-27T01:00:00.000Z',
});

describe('请假审批 (leave)', () => {
  let urls: string[];
  beforeEach(() => {
    signIn(supervisor);
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('approves and rejects pending leave; own leave is for someone else', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/leave', { body: [leave(1, 7, '赵师傅'), leave(2, 8, '钱师傅'), leave(3, 2, '主管老王')] })
      .on('POST', /\/api\/leave\/\d+\/review/, { body: {} });
    render(<LeavePage />);
    const items = await screen.findAllByTestId('leave-item');
    expect(items[0]).toHaveTextContent('原因：孩子开家长会');
    expect(items[2]).toHaveTextContent('本人的请假需由他人审批');
    expect(within(items[2]).queryByRole('button')).not.toBeInTheDocument();
    expect(api.callsTo('GET', '/api/leave')[0].query).toEqual({ status: 'pending' });
    tap(within(items[0]).getByRole('button', { name: '批准 赵师傅' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/leave/1/review')).toHaveLength(1));
    tap(within(items[1]).getByRole('button', { name: '驳回 钱师傅' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/leave/2/review')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/leave/1/review')[0].body).toEqual({ decision: 'approved' });
    expect(api.callsTo('POST', '/api/leave/2/review')[0].body).toEqual({ decision: 'rejected' });
    await waitFor(() => expect(api.callsTo('GET', '/api/leave')).toHaveLength(3));
  });

  it('tells the slower of two reviewers', async () => {
    new FakeApi()
      .install()
      .on('GET', '/api/leave', { body: [leave(1, 7, '赵师傅')] })
      .on('POST', '/api/leave/1/review', apiError(409, 'TRANSITION_NOT_ALLOWED'));
    render(<LeavePage />);
    tap(await screen.findByRole('button', { name: '批准 赵师傅' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('这条请假已被其他人审批');
  });

  it('is not for the desk', async () => {
    signIn(desk);
    new FakeApi().install();
    render(<LeavePage />);
    await waitFor(() => expect(urls).toEqual(['/subpackages/office/desk/index']));
  });
});

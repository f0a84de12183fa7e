import { render, screen, waitFor } from '@testing-library/react';
import RatePage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { loggedIn } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap, typeInto } from '../../../../test/ui';

const RATING = '/api/work-orders/241/rating';
const result = (over = {}) => ({
  id: 1,
  workOrderId: 241,
  stars: 5,
  fixed: true,
  tags: [],
  comment: null,
  createdAt: '2026-11-27T09:00:00.000Z',
  orderStatus: 'closed',
  followUpOpened: false,
  ...over,
});

describe('评价', () => {
  beforeEach(() => {
    loggedIn();
    stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  /** Wait until the submit has finished (the button reads 提交评价 again). */
  const settled = () => screen.findByRole('button', { name: '提交评价' });

  it('sends nothing until the stars are picked and 提交评价 is tapped', async () => {
    setRouter('/subpackages/orders/rate/index', { id: '241' });
    const api = new FakeApi().install().on('POST', RATING, { status: 201, body: result() });
    const { container } = render(<RatePage />);
    const submit = screen.getByRole('button', { name: '提交评价' });
    expect(submit).toHaveAttribute('aria-disabled', 'true');
    tap(submit);
    expect(await screen.findByRole('alert')).toHaveTextContent('请先点星星打分');
    expect(api.calls).toHaveLength(0);

    // Stars alone are not enough: whether it was fixed is asked too (first-time-fix data).
    tap(screen.getByRole('radio', { name: '总体评价 5 星' }));
    expect(screen.getByRole('button', { name: '提交评价' })).toHaveAttribute('aria-disabled', 'true');
    tap(screen.getByRole('button', { name: '提交评价' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请先选择问题是否解决了');
    expect(api.calls).toHaveLength(0);

    tap(screen.getByRole('radio', { name: '修好了' }));
    tap(screen.getByRole('radio', { name: '服务态度 4 星' }));
    tap(screen.getByRole('checkbox', { name: '准时' }));
    await typeInto(container.querySelector('taro-textarea-core')!, '师傅很专业');
    expect(api.calls).toHaveLength(0);
    tap(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() => expect(api.callsTo('POST', RATING)).toHaveLength(1));
    await settled();
    expect(api.callsTo('POST', RATING)[0].body).toEqual({
      stars: 5,
      fixed: true,
      dimensions: { attitude: 4 },
      tags: ['准时'],
      comment: '师傅很专业',
    });
    // No reopen offer for a good, fixed job.
    expect(screen.queryByRole('checkbox', { name: /申请返修/ })).not.toBeInTheDocument();
  });

  it('opened from 修好了，去评价 (fixed=1) has 修好了 chosen and sends fixed: true', async () => {
    setRouter('/subpackages/orders/rate/index', { id: '241', fixed: '1' });
    const api = new FakeApi().install().on('POST', RATING, { status: 201, body: result() });
    render(<RatePage />);
    expect(screen.getByRole('radio', { name: '修好了' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('radio', { name: '没修好' })).toHaveAttribute('aria-checked', 'false');
    tap(screen.getByRole('radio', { name: '总体评价 5 星' }));
    tap(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() => expect(api.callsTo('POST', RATING)).toHaveLength(1));
    await settled();
    expect(api.callsTo('POST', RATING)[0].body).toEqual({ stars: 5, fixed: true });
  });

  it('labels the stars on the satisfaction scale, 1 非常不满意 to 5 非常满意', () => {
    setRouter('/subpackages/orders/rate/index', { id: '241', fixed: '1' });
    new FakeApi().install();
    render(<RatePage />);
    tap(screen.getByRole('radio', { name: '总体评价 1 星' }));
    expect(screen.getByText('非常不满意')).toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '总体评价 5 星' }));
    expect(screen.getByText('非常满意')).toBeInTheDocument();
  });

  it('"没修好" marks fixed=false and asks to reopen the same order', async () => {
    setRouter('/subpackages/orders/rate/index', { id: '241', fixed: '0' });
    const api = new FakeApi()
      .install()
      .on('POST', RATING, { status: 201, body: result({ stars: 2, fixed: false, orderStatus: 'reopened' }) });
    render(<RatePage />);
    expect(screen.getByRole('radio', { name: '没修好' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('checkbox', { name: /申请返修/ })).toHaveAttribute('aria-checked', 'true');
    tap(screen.getByRole('radio', { name: '总体评价 2 星' }));
    tap(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() => expect(api.callsTo('POST', RATING)).toHaveLength(1));
    await settled();
    expect(api.callsTo('POST', RATING)[0].body).toEqual({ stars: 2, fixed: false, reopen: true });
  });

  it('lets the resident rate "not fixed" without reopening', async () => {
    setRouter('/subpackages/orders/rate/index', { id: '241' });
    const api = new FakeApi().install().on('POST', RATING, { status: 201, body: result() });
    render(<RatePage />);
    tap(screen.getByRole('radio', { name: '没修好' }));
    tap(screen.getByRole('checkbox', { name: /申请返修/ }));
    tap(screen.getByRole('radio', { name: '总体评价 3 星' }));
    tap(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() => expect(api.callsTo('POST', RATING)).toHaveLength(1));
    await settled();
    expect(api.callsTo('POST', RATING)[0].body).toEqual({ stars: 3, fixed: false });
  });

  it('keeps the rating on the page when the server refuses it', async () => {
    setRouter('/subpackages/orders/rate/index', { id: '241' });
    new FakeApi().install().on('POST', RATING, apiError(409, 'TRANSITION_NOT_ALLOWED', 'already rated'));
    render(<RatePage />);
    tap(screen.getByRole('radio', { name: '修好了' }));
    tap(screen.getByRole('radio', { name: '总体评价 4 星' }));
    tap(screen.getByRole('button', { name: '提交评价' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('当前状态下不能执行此操作');
    expect(screen.getByRole('radio', { name: '总体评价 4 星' })).toHaveAttribute('aria-checked', 'true');
  });
});

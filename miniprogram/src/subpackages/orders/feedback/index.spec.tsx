import { render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import FeedbackPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { house, loggedIn, order } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap, typeInto } from '../../../../test/ui';

const textarea = (c: HTMLElement) => c.querySelector('taro-textarea-core')!;

function feedbackApi(): FakeApi {
  return new FakeApi().install().on('GET', '/api/me/houses', { body: [house] });
}

describe('投诉 / 建议', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
    setRouter('/subpackages/orders/feedback/index', {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('files a complaint for the verified house and opens its order', async () => {
    const api = feedbackApi().on('POST', '/api/work-orders', {
      status: 201,
      body: order({ id: 400, kind: 'complaint', category: 'other' }),
    });
    const { container } = render(<FeedbackPage />);
    expect(await screen.findByText('海月花园 1栋1单元101')).toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '投诉' }));
    await typeInto(textarea(container), '  楼下夜里施工太吵  ');
    // A complaint is 提交投诉, never 提交报修.
    tap(screen.getByRole('button', { name: '提交投诉' }));

    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=400']));
    const [post] = api.callsTo('POST', '/api/work-orders');
    expect(post.body).toEqual({
      kind: 'complaint',
      category: 'other',
      description: '楼下夜里施工太吵',
      houseId: 11,
      photoIds: [],
    });
    expect(post.headers['Idempotency-Key']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(post.headers.Authorization).toBe('Bearer tok-1');
  });

  it('sends a suggestion with its uploaded photos', async () => {
    jest
      .spyOn(Taro, 'chooseImage')
      .mockResolvedValue({ tempFilePaths: ['blob:a', 'blob:b'], tempFiles: [], errMsg: 'ok' } as never);
    let next = 70;
    const api = feedbackApi()
      .on('POST', '/api/uploads', () => ({ status: 201, body: { id: next++, url: '/x' } }))
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 401, kind: 'suggestion' }) });
    const { container } = render(<FeedbackPage />);
    tap(await screen.findByRole('radio', { name: '建议/咨询' }));
    await typeInto(textarea(container), '建议在大门口加装雨棚');
    tap(screen.getByRole('button', { name: '添加照片' }));
    await waitFor(() => expect(screen.queryByText('上传中')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/api/uploads')).toHaveLength(2);

    tap(screen.getByRole('button', { name: '提交建议' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=401']));
    expect(api.callsTo('POST', '/api/work-orders')[0].body).toEqual({
      kind: 'suggestion',
      category: 'other',
      description: '建议在大门口加装雨棚',
      houseId: 11,
      photoIds: [70, 71],
    });
  });

  it('sends one order for a double tap on 提交', async () => {
    let answer: (v: { status: number; body: unknown }) => void = () => undefined;
    const api = feedbackApi().on('POST', '/api/work-orders', () => new Promise((r) => (answer = r)));
    const { container } = render(<FeedbackPage />);
    tap(await screen.findByRole('radio', { name: '投诉' }));
    await typeInto(textarea(container), '保洁不到位');
    const submit = screen.getByRole('button', { name: /^提交(投诉|建议)?$/ });
    tap(submit);
    tap(submit);
    await waitFor(() => expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1));
    answer({ status: 201, body: order({ id: 402, kind: 'complaint' }) });
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=402']));
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(1);
  });

  it('requires the kind and a description before sending anything', async () => {
    const api = feedbackApi();
    const { container } = render(<FeedbackPage />);
    tap(await screen.findByRole('button', { name: /^提交(投诉|建议)?$/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请选择是投诉还是建议/咨询');

    tap(screen.getByRole('radio', { name: '建议/咨询' }));
    await typeInto(textarea(container), '   ');
    tap(screen.getByRole('button', { name: /^提交(投诉|建议)?$/ }));
    expect(await screen.findByText('请填写具体内容')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/work-orders')).toHaveLength(0);
  });

  it('keeps the input after a network failure and retries with the same Idempotency-Key', async () => {
    const api = feedbackApi()
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 403, kind: 'complaint' }) })
      .once('POST', '/api/work-orders', { networkError: true });
    const { container } = render(<FeedbackPage />);
    tap(await screen.findByRole('radio', { name: '投诉' }));
    await typeInto(textarea(container), '电梯里有人吸烟');
    tap(screen.getByRole('button', { name: /^提交(投诉|建议)?$/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('网络不给力');
    expect(screen.getByRole('radio', { name: '投诉' })).toHaveAttribute('aria-checked', 'true');

    tap(screen.getByRole('button', { name: /^提交(投诉|建议)?$/ }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=403']));
    const [first, second] = api.callsTo('POST', '/api/work-orders');
    expect(second.headers['Idempotency-Key']).toBe(first.headers['Idempotency-Key']);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({ description: '电梯里有人吸烟' });
  });

  it('takes a fresh key after a refusal, and lets the resident pick among verified houses', async () => {
    const other = { ...house, id: 2, houseId: 12, houseLabel: '2栋1单元202' };
    const pending = { ...house, id: 3, houseId: 13, houseLabel: '3栋101', status: 'pending' as const };
    const api = feedbackApi()
      .on('GET', '/api/me/houses', { body: [house, other, pending] })
      .on('POST', '/api/work-orders', { status: 201, body: order({ id: 404, kind: 'suggestion' }) })
      .once('POST', '/api/work-orders', apiError(422, 'VALIDATION_FAILED'));
    const { container } = render(<FeedbackPage />);
    tap(await screen.findByRole('radio', { name: '海月花园 2栋1单元202' }));
    expect(screen.queryByText(/3栋101/)).not.toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '建议/咨询' }));
    await typeInto(textarea(container), '想咨询停车位');
    tap(screen.getByRole('button', { name: /^提交(投诉|建议)?$/ }));
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    tap(screen.getByRole('button', { name: /^提交(投诉|建议)?$/ }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/orders/detail/index?id=404']));
    const [first, second] = api.callsTo('POST', '/api/work-orders');
    expect(second.headers['Idempotency-Key']).not.toBe(first.headers['Idempotency-Key']);
    expect(second.body).toMatchObject({ houseId: 12 });
  });

  it('asks to bind a house when none is verified', async () => {
    feedbackApi().on('GET', '/api/me/houses', { body: [{ ...house, status: 'pending' }] });
    render(<FeedbackPage />);
    tap(await screen.findByRole('button', { name: '绑定房屋' }));
    expect(urls).toEqual(['/subpackages/account/bind/index']);
  });
});

import Taro from '@tarojs/taro';
import { api, ApiError, resolveUrl } from './api';
import { storage } from './storage';
import { apiError, FakeApi } from '../../test/fake-api';
import { loggedIn } from '../../test/fixtures';
import { stubNavigation } from '../../test/ui';

describe('API client', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('turns an error body into ApiError with the catalogue text', async () => {
    new FakeApi().install().on('GET', '/api/work-orders/9', apiError(404, 'NOT_FOUND', 'order not found'));
    const err = await api.getOrder(9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      text: '内容不存在或已删除',
      message: 'order not found',
    });
  });

  it('reports a dropped connection as NETWORK_ERROR with an unknown outcome', async () => {
    new FakeApi().install().on('GET', '/api/me', { networkError: true });
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.outcomeUnknown).toBe(true);
    expect(err.text).toBe('网络不给力，请检查网络后重试');
  });

  it('treats a non-JSON 502 from a proxy as a server error', async () => {
    new FakeApi().install().on('GET', '/api/me', { status: 502, body: '<html>Bad Gateway</html>' });
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 502, text: '系统开小差了，请稍后再试' });
  });

  it('an expired session clears the token and goes to the login page', async () => {
    new FakeApi().install().on('GET', '/api/me/houses', apiError(401, 'UNAUTHENTICATED'));
    await expect(api.myHouses()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(storage.token()).toBeNull();
    expect(urls).toEqual(['/pages/login/index']);
  });

  it('a refused login code does not count as an expired session', async () => {
    new FakeApi().install().on('POST', '/api/auth/wechat', apiError(401, 'WECHAT_CODE_INVALID'));
    await expect(api.loginWechat('x')).rejects.toMatchObject({ code: 'WECHAT_CODE_INVALID' });
    expect(urls).toEqual([]);
  });

  it('sends list filters as the server expects them', async () => {
    const fake = new FakeApi()
      .install()
      .on('GET', '/api/work-orders', { body: { items: [], total: 0, page: 2, pageSize: 5 } });
    await api.listOrders({ status: ['completed', 'closed'], page: 2, pageSize: 5 });
    expect(fake.calls[0].query).toEqual({ status: 'completed,closed', page: '2', pageSize: '5' });
  });

  it('uploads a photo as multipart field `file` with the token', async () => {
    const fake = new FakeApi().install().on('POST', '/api/uploads', {
      status: 201,
      body: { id: 5, mime: 'image/png', size: 10, width: 1, height: 1, url: '/x' },
    });
    const view = await api.uploadPhoto('blob:http://127.0.0.1/abc');
    expect(view.id).toBe(5);
    expect(fake.calls[0].body).toEqual({ file: 'blob:http://127.0.0.1/abc', name: 'file' });
    expect(fake.calls[0].headers).toEqual({ Authorization: 'Bearer tok-1' });
    expect(Taro.uploadFile).toHaveBeenCalledWith(expect.objectContaining({ withCredentials: false }));
  });

  it('resolves server paths against the API base and leaves absolute URLs alone', () => {
    expect(resolveUrl('/api/uploads/1/content?exp=1&sig=a')).toBe('/api/uploads/1/content?exp=1&sig=a');
    expect(resolveUrl('https://cdn.example.test/a.png')).toBe('https://cdn.example.test/a.png');
  });
});

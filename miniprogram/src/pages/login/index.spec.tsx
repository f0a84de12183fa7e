import { render, screen, waitFor } from '@testing-library/react';
import LoginPage from './index';
import { apiError, FakeApi } from '../../../test/fake-api';
import { stubNavigation, tap, typeInto } from '../../../test/ui';
import { storage } from '../../services/storage';

const user = { id: 10, role: 'resident', name: '徐敏', phone: '13910007919', companyId: null, communityIds: [] };

describe('登录 (H5)', () => {
  let api: FakeApi;
  let urls: string[];
  beforeEach(() => {
    localStorage.clear();
    api = new FakeApi().install();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs in with the typed code, keeps the token and opens the home page', async () => {
    api.on('POST', '/api/auth/wechat', { body: { token: 'tok-1', user } });
    const { container } = render(<LoginPage />);
    await typeInto(container.querySelector('taro-input-core')!, 'resident1');
    tap(screen.getByRole('button', { name: '登录' }));
    await waitFor(() => expect(urls).toEqual(['/pages/home/index']));
    expect(api.callsTo('POST', '/api/auth/wechat')[0].body).toEqual({ code: 'resident1' });
    expect(storage.token()).toBe('tok-1');
    expect(storage.user()?.name).toBe('徐敏');
  });

  it('shows the server refusal in Chinese and stays on the page', async () => {
    api.on('POST', '/api/auth/wechat', apiError(401, 'WECHAT_CODE_INVALID', 'invalid code'));
    const { container } = render(<LoginPage />);
    await typeInto(container.querySelector('taro-input-core')!, 'nobody');
    tap(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('微信登录已失效，请重试');
    expect(urls).toEqual([]);
    expect(storage.token()).toBeNull();
  });

  it('asks for a code instead of calling the server with an empty one', async () => {
    render(<LoginPage />);
    tap(screen.getByRole('button', { name: '登录' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请输入登录码');
    expect(api.calls).toHaveLength(0);
  });
});

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

describe('员工登录', () => {
  let api: FakeApi;
  let urls: string[];
  beforeEach(() => {
    localStorage.clear();
    api = new FakeApi().install();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  const staffLogin = async (container: HTMLElement) => {
    tap(screen.getByRole('switch', { name: '员工登录' }));
    const [name, pass] = Array.from(container.querySelectorAll('taro-input-core'));
    await typeInto(name, 'tech1');
    await typeInto(pass, 'secret-1');
    tap(screen.getByRole('button', { name: '员工登录' }));
  };

  it('logs a technician in with username and password and opens the staff queue', async () => {
    const tech = { id: 7, role: 'technician', name: '赵师傅', phone: null, companyId: 1, communityIds: [1] };
    api.on('POST', '/api/auth/password', { body: { token: 'tok-s', user: tech } });
    const { container } = render(<LoginPage />);
    await staffLogin(container);
    await waitFor(() => expect(urls).toEqual(['/subpackages/staff/queue/index']));
    expect(api.callsTo('POST', '/api/auth/password')[0].body).toEqual({ username: 'tech1', password: 'secret-1' });
    expect(storage.token()).toBe('tok-s');
    expect(storage.user()?.role).toBe('technician');
  });

  it('sends a resident who uses the staff form to the resident home', async () => {
    api.on('POST', '/api/auth/password', { body: { token: 'tok-r', user } });
    const { container } = render(<LoginPage />);
    await staffLogin(container);
    await waitFor(() => expect(urls).toEqual(['/pages/home/index']));
  });

  it('shows a refused password and stays', async () => {
    api.on('POST', '/api/auth/password', apiError(401, 'INVALID_CREDENTIALS', 'bad password'));
    const { container } = render(<LoginPage />);
    await staffLogin(container);
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    expect(urls).toEqual([]);
    expect(storage.token()).toBeNull();
  });

  it('a technician whose password an admin chose sets a new one first, with the typed password as the old', async () => {
    const tech = { id: 7, role: 'technician', name: '赵师傅', phone: null, companyId: 1, communityIds: [1] };
    api.on('POST', '/api/auth/password', { body: { token: 'tok-temp', user: { ...tech, mustChangePassword: true } } });
    api.on('POST', '/api/me/password', { body: { token: 'tok-new', user: tech } });
    const { container } = render(<LoginPage />);
    await staffLogin(container);
    expect(await screen.findByText('设置新密码')).toBeInTheDocument();
    expect(urls).toEqual([]);
    const [fresh, again] = Array.from(container.querySelectorAll('taro-input-core'));
    await typeInto(fresh, '12345678');
    await typeInto(again, '12345678');
    tap(screen.getByRole('button', { name: '保存新密码' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('密码不能全是数字');
    expect(api.callsTo('POST', '/api/me/password')).toHaveLength(0);
    await typeInto(fresh, 'zhao-2026-pw');
    await typeInto(again, 'zhao-2026-pw');
    tap(screen.getByRole('button', { name: '保存新密码' }));
    await waitFor(() => expect(urls).toEqual(['/subpackages/staff/queue/index']));
    expect(api.callsTo('POST', '/api/me/password')[0].body).toEqual({
      oldPassword: 'secret-1',
      newPassword: 'zhao-2026-pw',
    });
    expect(storage.token()).toBe('tok-new');
  });

  it('asks for both fields before calling the server', async () => {
    render(<LoginPage />);
    tap(screen.getByRole('switch', { name: '员工登录' }));
    tap(screen.getByRole('button', { name: '员工登录' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请输入账号和密码');
    expect(api.calls).toHaveLength(0);
  });
});

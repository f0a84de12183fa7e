import type TaroType from '@tarojs/taro';
import { FakeApi } from '../../test/fake-api';

interface Loaded {
  platform: typeof import('./platform');
  storage: typeof import('./storage').storage;
  Taro: typeof TaroType;
}

/** platform.ts reads TARO_APP_* at load time: load fresh copies (with their own Taro) under `env`. */
function load(env: Record<string, string>): Loaded {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    loaded = {
      platform: jest.requireActual('./platform'),
      storage: jest.requireActual('./storage').storage,
      Taro: jest.requireActual('@tarojs/taro').default,
    };
  });
  process.env = saved;
  return loaded!;
}

describe('platform (H5 build)', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => jest.restoreAllMocks());

  it('takes the login code from ?code= in the page URL', () => {
    const { platform } = load({});
    window.history.replaceState(null, '', '/h5/?code=resident7#/pages/login/index');
    expect(platform.codeFromUrl()).toBe('resident7');
    window.history.replaceState(null, '', '/h5/#/pages/login/index?code=resident8');
    expect(platform.codeFromUrl()).toBe('resident8');
    window.history.replaceState(null, '', '/h5/');
    expect(platform.codeFromUrl()).toBeNull();
  });

  it('logs in with the typed code and keeps it for demo subscriptions', async () => {
    const { platform, storage, Taro } = load({});
    const api = new FakeApi()
      .install(Taro)
      .on('POST', '/api/auth/wechat', { body: { token: 't', user: { id: 1, role: 'resident', name: '' } } });
    await platform.login(' resident3 ');
    expect(api.calls[0].body).toEqual({ code: 'resident3' });
    expect(storage.demoCode()).toBe('resident3');
  });

  it('does not subscribe on H5 without the demo flag', async () => {
    const { platform, storage, Taro } = load({ TARO_APP_FAKE_WECHAT: '0' });
    storage.setSession('tok-1', { id: 1, role: 'resident', name: '', phone: null, companyId: null, communityIds: [] });
    storage.setDemoCode('resident1');
    const api = new FakeApi().install(Taro);
    expect(await platform.requestSubscriptions()).toEqual({});
    expect(api.calls).toHaveLength(0);
  });

  it('with the demo flag, subscribes through the fake WeChat and reports the answers', async () => {
    const { platform, storage, Taro } = load({ TARO_APP_FAKE_WECHAT: '1', TARO_APP_API_BASE: 'http://127.0.0.1:3500' });
    storage.setSession('tok-1', { id: 1, role: 'resident', name: '', phone: null, companyId: null, communityIds: [] });
    storage.setDemoCode('resident1');
    const api = new FakeApi()
      .install(Taro)
      .on('POST', '/fake-wechat/fake/subscribe', {
        body: { errcode: 0, errmsg: 'ok', result: { 'linli-order-status': 'accept' } },
      })
      .on('POST', '/api/me/subscriptions', { body: { remaining: { 'linli-order-status': 1 }, ignored: [] } });
    expect(await platform.requestSubscriptions()).toEqual({ 'linli-order-status': 'accept' });
    expect(api.callsTo('POST', '/fake-wechat/fake/subscribe')[0].body).toEqual({
      code: 'resident1',
      templateIds: ['linli-order-status'],
    });
    const [report] = api.callsTo('POST', '/api/me/subscriptions');
    expect(report.body).toEqual({ results: { 'linli-order-status': 'accept' } });
    expect(report.headers.Authorization).toBe('Bearer tok-1');
  });

  it('a failing subscription never breaks the tap that asked for it', async () => {
    const { platform, storage, Taro } = load({ TARO_APP_FAKE_WECHAT: '1' });
    storage.setDemoCode('resident1');
    const api = new FakeApi().install(Taro).on('POST', '/fake-wechat/fake/subscribe', { networkError: true });
    await expect(platform.requestSubscriptions()).resolves.toEqual({});
    expect(api.calls).toHaveLength(1);
  });

  it('knows a masked number cannot be dialled', () => {
    const { platform } = load({});
    expect(platform.canDial('137****0104')).toBe(false);
    expect(platform.canDial('13700000104')).toBe(true);
    expect(platform.canDial(null)).toBe(false);
  });
});

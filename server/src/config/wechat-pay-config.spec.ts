import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { DEMO_MERCHANT_PRIVATE_KEY, DEMO_PAY } from '../wechat/wechat-pay.demo-keys.js';
import { ConfigError, loadConfig } from './config.js';

const PROD = {
  LINLI_MODE: 'production',
  LINLI_JWT_SECRET: 'x'.repeat(40),
  WECHAT_APPID: 'wx123',
  WECHAT_SECRET: 's',
  LINLI_DB_URL: 'mysql://u:p@db:3306/linli',
};
const KEY = DEMO_MERCHANT_PRIVATE_KEY.replace(/\n/g, '\\n');

describe('WeChat Pay configuration (docs/payments.md)', () => {
  it('demo mode pays through the embedded fake with the demo keys; notifications come back to this server', () => {
    const c = loadConfig({ PORT: '4000' }, ['--demo']).wechatPay;
    expect(c).toMatchObject({
      enabled: true,
      apiBase: 'http://127.0.0.1:4000/fake-wechat',
      mchid: DEMO_PAY.mchid,
      notifyUrl: 'http://127.0.0.1:4000/api/payments/wechat/notify',
      queryAfterSeconds: 60,
    });
    // Tests point WECHAT_API_BASE at their fake: WeChat Pay follows it.
    expect(loadConfig({ LINLI_MODE: 'test', WECHAT_API_BASE: 'http://127.0.0.1:3999' }).wechatPay.apiBase).toBe(
      'http://127.0.0.1:3999',
    );
  });

  it('production keeps payments off until a merchant is configured, then requires real keys and https', () => {
    expect(loadConfig(PROD).wechatPay.enabled).toBe(false);
    const merchant = {
      ...PROD,
      WECHAT_PAY_MCHID: '1230000109',
      WECHAT_PAY_SERIAL: 'ABC',
      WECHAT_PAY_PRIVATE_KEY: KEY,
      WECHAT_PAY_APIV3_KEY: 'k'.repeat(32),
      WECHAT_PAY_PLATFORM_SERIAL: 'PUB_KEY_ID_1',
      WECHAT_PAY_PLATFORM_PUBLIC_KEY_FILE: '/nonexistent/pub.pem',
      WECHAT_PAY_NOTIFY_URL: 'https://linli.example/api/payments/wechat/notify',
    };
    // The demo private key is public: refused in production (after a readable platform key).
    expect(() => loadConfig(merchant)).toThrow(/WECHAT_PAY_PLATFORM_PUBLIC_KEY_FILE/);
    const withPub = { ...merchant, WECHAT_PAY_PLATFORM_PUBLIC_KEY_FILE: '', WECHAT_PAY_PLATFORM_PUBLIC_KEY: KEY };
    expect(() => loadConfig(withPub)).toThrow(/demo keys/);
    expect(() => loadConfig({ ...withPub, WECHAT_PAY_APIV3_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...withPub, WECHAT_PAY_MCHID: 'abc' })).toThrow(/WECHAT_PAY_MCHID/);
    expect(() => loadConfig({ ...withPub, WECHAT_PAY_PRIVATE_KEY: 'not a pem' })).toThrow(/PEM/);
    expect(() => loadConfig({ ...withPub, WECHAT_PAY_SERIAL: '' })).toThrow(/WECHAT_PAY_SERIAL/);
    // The merchant's own key: accepted, with an https notify URL only.
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .replace(/\n/g, '\\n');
    const ok = { ...withPub, WECHAT_PAY_PRIVATE_KEY: own };
    expect(loadConfig(ok).wechatPay).toMatchObject({
      enabled: true,
      apiBase: 'https://api.mch.weixin.qq.com',
      mchid: '1230000109',
    });
    expect(loadConfig(ok).wechatPay.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----\n');
    expect(() => loadConfig({ ...ok, WECHAT_PAY_NOTIFY_URL: 'http://linli.example/n' })).toThrow(/https/);
    expect(() => loadConfig({ ...ok, WECHAT_PAY_API_BASE: 'http://127.0.0.1:3100' })).toThrow(/WECHAT_PAY_API_BASE/);
  });
});

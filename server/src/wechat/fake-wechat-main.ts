/**
 * Runs the fake WeChat server on its own: `node dist/wechat/fake-wechat-main.js`.
 * Env: FAKE_WECHAT_PORT (3100), FAKE_WECHAT_HOST (127.0.0.1), WECHAT_APPID (wxlinlidemo),
 * WECHAT_SECRET (linli-demo-secret), FAKE_WECHAT_SINGLE_USE (false).
 * It answers WeChat Pay's /v3/ paths too, with the demo keys (docs/payments.md).
 * This standalone tool reads process.env itself; the server proper reads config only.
 */
import { FakeWechatServer } from './fake-wechat-server.js';

async function main(): Promise<void> {
  const env = process.env;
  const rawPort = env.FAKE_WECHAT_PORT || '3100';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) {
    throw new Error(`FAKE_WECHAT_PORT must be a port number, got "${rawPort}"`);
  }
  const appid = env.WECHAT_APPID || 'wxlinlidemo';
  const fake = new FakeWechatServer({
    appid,
    secret: env.WECHAT_SECRET || 'linli-demo-secret',
    singleUse: ['1', 'true', 'yes'].includes(env.FAKE_WECHAT_SINGLE_USE ?? ''),
    // Template ids come from the server's configuration; field types follow the key names.
    acceptAnyTemplate: true,
  });
  const { url } = await fake.listen(Number(rawPort), env.FAKE_WECHAT_HOST || '127.0.0.1');
  console.log(`Fake WeChat API for appid ${appid} listening on ${url}`);
  console.log(`Point the server at it with WECHAT_API_BASE=${url}`);

  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

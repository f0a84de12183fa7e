/**
 * Runs the fake SMS provider on its own: `node dist/modules/sms/fake-sms-main.js`.
 * Env: FAKE_SMS_PORT (3200), FAKE_SMS_HOST (127.0.0.1); the key pair, sign name and templates
 * are the demo ones (config.ts DEMO_SMS): point a server at it with the SMS_* values printed.
 * This standalone tool reads process.env itself; the server proper reads config only.
 */
import { DEMO_SMS } from '../../config/config.js';
import { demoFakeSms } from './fake-aliyun-sms-server.js';

async function main(): Promise<void> {
  const rawPort = process.env.FAKE_SMS_PORT || '3200';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) {
    throw new Error(`FAKE_SMS_PORT must be a port number, got "${rawPort}"`);
  }
  const fake = demoFakeSms();
  const { url } = await fake.listen(Number(rawPort), process.env.FAKE_SMS_HOST || '127.0.0.1');
  console.log(`Fake Alibaba Cloud SMS listening on ${url}; messages at ${url}/fake/messages`);
  console.log(
    `Point the server at it with LINLI_SMS=aliyun SMS_ENDPOINT=${url} SMS_ACCESS_KEY_ID=${DEMO_SMS.accessKeyId} ` +
      `SMS_ACCESS_KEY_SECRET=<the demo secret in config.ts> SMS_SIGN_NAME=${DEMO_SMS.signName} ` +
      `SMS_TEMPLATE_CODE=${DEMO_SMS.templates.code} SMS_TEMPLATE_ORDER=${DEMO_SMS.templates.order}`,
  );
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

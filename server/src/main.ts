import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/config.js';
import { createApp } from './app.js';
import { DEMO_PASSWORD, DEMO_RESIDENT_COUNT } from './database/seed/demo-seed.js';

async function main() {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  const { app } = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const base = `http://127.0.0.1:${config.port}`;
  Logger.log(`Linli ${config.mode} server on ${base} (${config.db.type})`, 'Main');
  if (config.mode === 'demo') {
    console.log(
      [
        '',
        '  Linli demo is running',
        `  Console       ${base}/   (admin, supervisor and desk)`,
        `  Resident app  ${base}/h5/   (H5 preview; log in with a resident code)`,
        `  API docs      ${base}/api/docs`,
        `  Health        ${base}/api/health`,
        `  Fake WeChat   ${base}/fake-wechat`,
        ...(config.embedFakeSms ? [`  Fake SMS      ${base}/fake-sms   (codes: /fake-sms/fake/messages?phone=…)`] : []),
        `  Staff logins  admin, supervisor1, desk1, tech1..tech6 / password ${DEMO_PASSWORD}`,
        `  Residents     WeChat codes resident1..resident${DEMO_RESIDENT_COUNT}`,
        `  Try:  curl -s -XPOST ${base}/api/auth/password -H 'content-type: application/json' -d '{"username":"desk1","password":"${DEMO_PASSWORD}"}'`,
        '',
      ].join('\n'),
    );
  }
}

await main();

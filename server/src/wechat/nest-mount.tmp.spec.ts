import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FakeWechatServer } from './fake-wechat-server.js';
import { WechatApiClient } from './wechat-api.client.js';

@Module({})
class EmptyModule {}

it.each([false, true])('mounted in Nest (after body parser: %s)', async (afterInit) => {
  const fake = new FakeWechatServer({ appid: 'a', secret: 's', acceptAnyTemplate: true });
  const app = await NestFactory.create(EmptyModule, { logger: false });
  if (afterInit) await app.init();
  app.use('/fake-wechat', fake.handler);
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/fake-wechat`.replace('[::1]', '127.0.0.1');
  const wx = new WechatApiClient({ baseUrl: url, appid: 'a', secret: 's' });
  const { openid } = await wx.code2Session('resident1');
  fake.grantSubscription(openid, 't1');
  await wx.sendSubscribeMessage({ touser: openid, templateId: 't1', data: { thing1: '你好' } });
  expect(fake.sentMessages()).toHaveLength(1);
  await app.close();
  await fake.close();
});

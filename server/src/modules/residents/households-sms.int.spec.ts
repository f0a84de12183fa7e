import { buildWorld, loginResident, type World } from '../../testing/factories.js';
import { startTestServer, TEST_DB, type TestServer } from '../../testing/test-server.js';
import { JobRunner } from '../jobs/job-runner.service.js';
import { HouseBinding } from './house-binding.entity.js';

/**
 * Binding from the H5 pages, where WeChat's phone-number button does not exist: the phone is
 * proven by an SMS code (POST /sms/codes, purpose bind) through the fake Alibaba Cloud SMS
 * provider. houseA1's registry owner is 13900001111.
 */
describe(`binding with an SMS code over HTTP (${TEST_DB})`, () => {
  let server: TestServer;
  let w: World;
  let runner: JobRunner;

  /** Ask for a code, send the queue, and read what reached the phone. */
  const smsCode = async (phone: string) => {
    const asked = await server.api.post('/sms/codes', { phone, purpose: 'bind' });
    expect(asked.status).toBe(202);
    await runner.tick();
    const code = server.sms.lastCodeFor(phone);
    if (!code) throw new Error(`no code reached ${phone}`);
    return code;
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { LINLI_SMS: 'aliyun' } });
    w = await buildWorld(server);
    runner = server.app.get(JobRunner);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("the registry owner's phone with its SMS code verifies at once as owner; the code works once", async () => {
    const token = await loginResident(server, 'code-sms-owner');
    const wrong = await server.api.post(
      '/me/houses',
      { houseId: w.houseA1.id, relation: 'owner', name: '王芳', phone: '13900001111', smsCode: '000000' },
      { token },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('SMS_CODE_INVALID');
    const code = await smsCode('13900001111');
    const res = await server.api.post(
      '/me/houses',
      { houseId: w.houseA1.id, relation: 'owner', name: '王芳', phone: '13900001111', smsCode: code },
      { token },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'verified', relation: 'owner', phoneProof: 'sms' });
    const again = await server.api.post(
      '/me/houses',
      { houseId: w.houseA1b.id, relation: 'owner', name: '王芳', phone: '13900001111', smsCode: code },
      { token },
    );
    expect(again.body.code).toBe('SMS_CODE_INVALID');
  });

  it("a code sent to one phone proves nothing for another (the owner's)", async () => {
    const token = await loginResident(server, 'code-sms-other');
    const code = await smsCode('13700004321');
    const res = await server.api.post(
      '/me/houses',
      { houseId: w.houseA1.id, relation: 'tenant', name: '王芳', phone: '13900001111', smsCode: code },
      { token },
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('SMS_CODE_INVALID');
    const own = await server.api.post(
      '/me/houses',
      { houseId: w.houseA1.id, relation: 'tenant', name: '租客', phone: '13700004321', smsCode: code },
      { token },
    );
    expect(own.body).toMatchObject({ status: 'pending', phoneProof: 'sms' });
    expect(await server.ds.getRepository(HouseBinding).countBy({ houseId: w.houseA1.id, phone: '13900001111' })).toBe(
      1,
    ); // the SMS owner of the first test only;
  });
});

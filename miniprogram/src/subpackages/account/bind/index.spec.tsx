import { render, screen, waitFor } from '@testing-library/react';
import BindPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { house, loggedIn } from '../../../../test/fixtures';
import { storage } from '../../../services/storage';
import { stubNavigation, tap, typeInto } from '../../../../test/ui';

function bindApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/me/houses', { body: [] })
    .on('GET', '/api/communities', (req) => ({
      body: [
        { id: 1, name: '海月花园', address: '深圳市南山区海月路18号' },
        { id: 2, name: '翠湖苑', address: '深圳市福田区翠湖街6号' },
      ].filter((c) => !req.query.q || c.name.includes(req.query.q)),
    }))
    .on('GET', '/api/communities/1/buildings', { body: [{ id: 3, name: '2栋' }] })
    .on('GET', '/api/buildings/3/houses', {
      body: [{ id: 12, label: '2栋1单元302', unit: '1单元', roomNo: '302' }],
    })
    .on('POST', '/api/sms/codes', { status: 202, body: '' });
}

/** H5: ask for the SMS code and type the one that arrived. */
async function proveBySms(container: HTMLElement, code = '246810') {
  tap(screen.getByRole('button', { name: '获取验证码' }));
  expect(await screen.findByRole('button', { name: '60秒后重发' })).toBeInTheDocument();
  const inputs = Array.from(container.querySelectorAll('taro-input-core'));
  await typeInto(inputs[inputs.length - 1], code);
}

async function pickHouse(container: HTMLElement) {
  await typeInto(container.querySelector('taro-input-core')!, '海月');
  tap(screen.getByRole('button', { name: '搜索' }));
  await waitFor(() => expect(screen.queryByText('翠湖苑')).not.toBeInTheDocument());
  tap(await screen.findByText('海月花园'));
  tap(await screen.findByRole('button', { name: '2栋' }));
  tap(await screen.findByRole('button', { name: '1单元 302' }));
}

describe('绑定房屋', () => {
  beforeEach(() => {
    loggedIn();
    stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('community -> building -> house -> identity, verified at once', async () => {
    const api = bindApi().on('POST', '/api/me/houses', {
      status: 201,
      body: { ...house, id: 2, houseId: 12, houseLabel: '2栋1单元302', relation: 'tenant' },
    });
    const { container } = render(<BindPage />);
    await pickHouse(container);
    expect(screen.getByText('海月花园 / 2栋 / 2栋1单元302')).toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '租户' }));
    await proveBySms(container);
    tap(screen.getByRole('button', { name: '提交绑定' }));
    expect(await screen.findByText('绑定成功')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/communities').at(-1)!.query).toEqual({ q: '海月' });
    // Name and phone start from the WeChat profile the server returned at login; the phone is
    // proven by the SMS code sent to it (H5), never sent alone.
    expect(api.callsTo('POST', '/api/sms/codes')[0].body).toEqual({ phone: '13910007919', purpose: 'bind' });
    expect(api.callsTo('POST', '/api/me/houses')[0].body).toEqual({
      houseId: 12,
      relation: 'tenant',
      name: '徐敏',
      phone: '13910007919',
      smsCode: '246810',
    });
  });

  it('says when the binding waits for the property office', async () => {
    bindApi().on('POST', '/api/me/houses', { status: 201, body: { ...house, status: 'pending' } });
    const { container } = render(<BindPage />);
    await pickHouse(container);
    await proveBySms(container);
    tap(screen.getByRole('button', { name: '提交绑定' }));
    expect(await screen.findByText('已提交，等待审核')).toBeInTheDocument();
  });

  it('says what happens next and whom to call while the binding waits', async () => {
    bindApi().on('POST', '/api/me/houses', {
      status: 201,
      body: { ...house, status: 'pending', servicePhone: '075586001234' },
    });
    const { container } = render(<BindPage />);
    await pickHouse(container);
    await proveBySms(container);
    tap(screen.getByRole('button', { name: '提交绑定' }));
    expect(await screen.findByText(/接下来：物业核对您的身份后会通过审核/)).toBeInTheDocument();
    expect(screen.getByText(/物业服务电话 075586001234/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '拨打物业电话' })).toBeInTheDocument();
  });

  it('never prefills the placeholder nickname 微信用户 as the real name', async () => {
    storage.setSession('tok-1', { ...storage.user()!, name: '微信用户' });
    const api = bindApi();
    const { container } = render(<BindPage />);
    await pickHouse(container);
    tap(screen.getByRole('button', { name: '提交绑定' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请填写姓名');
    expect(api.callsTo('POST', '/api/me/houses')).toHaveLength(0);
  });

  it('checks the phone number before sending, and explains a duplicate request', async () => {
    const api = bindApi().on('POST', '/api/me/houses', apiError(409, 'BINDING_EXISTS'));
    const { container } = render(<BindPage />);
    await pickHouse(container);
    const [, phone] = Array.from(container.querySelectorAll('taro-input-core'));
    await typeInto(phone, '12345');
    tap(screen.getByRole('button', { name: '提交绑定' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('请填写正确的手机号');
    expect(api.callsTo('POST', '/api/me/houses')).toHaveLength(0);

    await typeInto(phone, '13800001234');
    tap(screen.getByRole('button', { name: '提交绑定' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('请填写短信验证码'));
    expect(api.callsTo('POST', '/api/me/houses')).toHaveLength(0);

    await proveBySms(container);
    tap(screen.getByRole('button', { name: '提交绑定' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('这套房屋您已经提交过绑定申请'));
  });
});

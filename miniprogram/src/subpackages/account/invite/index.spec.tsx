import { render, screen, waitFor } from '@testing-library/react';
import InvitePage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { house, loggedIn } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap, typeInto } from '../../../../test/ui';

describe('加入家庭', () => {
  beforeEach(() => {
    loggedIn();
    stubNavigation();
    setRouter('/subpackages/account/invite/index', {});
  });
  afterEach(() => jest.restoreAllMocks());

  async function fill(container: HTMLElement) {
    const [code] = Array.from(container.querySelectorAll('taro-input-core'));
    await typeInto(code, 'k7m2-qx9p');
    tap(screen.getByRole('button', { name: '获取验证码' }));
    // The server sends one code a minute per phone: the button waits (60秒后重发).
    await screen.findByRole('button', { name: '60秒后重发' });
    const inputs = Array.from(container.querySelectorAll('taro-input-core'));
    await typeInto(inputs[inputs.length - 1], '135790');
    tap(screen.getByRole('button', { name: '加入' }));
  }

  it('joins with the code and an SMS-proven phone', async () => {
    const api = new FakeApi()
      .install()
      .on('POST', '/api/sms/codes', { status: 202, body: '' })
      .on('POST', '/api/house-invites/accept', { body: { ...house, relation: 'family' } });
    const { container } = render(<InvitePage />);
    await fill(container);
    expect(await screen.findByText('已加入')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/house-invites/accept')[0].body).toEqual({
      code: 'K7M2QX9P',
      name: '徐敏',
      phone: '13910007919',
      smsCode: '135790',
    });
  });

  it('explains a used invite', async () => {
    new FakeApi()
      .install()
      .on('POST', '/api/sms/codes', { status: 202, body: '' })
      .on('POST', '/api/house-invites/accept', apiError(409, 'INVITE_USED'));
    const { container } = render(<InvitePage />);
    await fill(container);
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('这个邀请码已被使用，请让业主重新邀请'));
  });
});

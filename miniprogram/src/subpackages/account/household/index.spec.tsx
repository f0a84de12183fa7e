import { render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import type { HouseholdView } from '@linli/shared';
import HouseholdPage from './index';
import { FakeApi } from '../../../../test/fake-api';
import { house, loggedIn } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap } from '../../../../test/ui';

const member = {
  userId: 7,
  relation: 'family' as const,
  status: 'verified' as const,
  canApproveFees: false,
  phoneProof: 'invite' as const,
  isMe: false,
  createdAt: '2026-11-21T02:00:00.000Z',
};
const view: HouseholdView = {
  houseId: 11,
  houseLabel: '1栋1单元101',
  communityName: '海月花园',
  members: [
    {
      ...member,
      bindingId: 1,
      userId: 1,
      name: '徐敏',
      relation: 'owner',
      canApproveFees: true,
      isMe: true,
      phone: '13910007919',
    },
    { ...member, bindingId: 2, name: '徐小敏', phone: '139****0001' },
  ],
  pending: [{ ...member, bindingId: 3, name: '租客甲', relation: 'tenant', status: 'pending', phone: '137****1234' }],
  invites: [],
};

describe('家庭成员', () => {
  beforeEach(() => {
    loggedIn();
    stubNavigation();
    setRouter('/subpackages/account/household/index', {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('the owner approves a request, allows fees and removes a member', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/me/houses', { body: [house] })
      .on('GET', '/api/me/houses/11/household', { body: view })
      .on('POST', '/api/household-members/3/review', {
        body: { ...view, pending: [], members: [...view.members, { ...view.pending[0], status: 'verified' }] },
      })
      .on('PATCH', '/api/household-members/2', {
        body: { ...view, pending: [], members: [view.members[0], { ...view.members[1], canApproveFees: true }] },
      })
      .on('DELETE', '/api/household-members/2', { body: { ...view, pending: [], members: [view.members[0]] } });
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'ok' } as never);
    render(<HouseholdPage />);
    expect(await screen.findByText('待您审核（1）')).toBeInTheDocument();
    expect(screen.getByText(/137\*\*\*\*1234/)).toBeInTheDocument();
    tap(screen.getByRole('button', { name: '同意租客甲' }));
    await waitFor(() => expect(screen.queryByText('待您审核（1）')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/api/household-members/3/review')[0].body).toEqual({ decision: 'verified' });

    tap(screen.getByRole('button', { name: '允许徐小敏审批费用' }));
    expect(await screen.findByRole('button', { name: '取消徐小敏审批费用' })).toBeInTheDocument();
    expect(api.callsTo('PATCH', '/api/household-members/2')[0].body).toEqual({ canApproveFees: true });

    tap(screen.getByRole('button', { name: '移除徐小敏' }));
    await waitFor(() => expect(screen.queryByText('徐小敏')).not.toBeInTheDocument());
    expect(api.callsTo('DELETE', '/api/household-members/2')).toHaveLength(1);
    // The owner's own row has no remove button.
    expect(screen.queryByRole('button', { name: '移除徐敏' })).not.toBeInTheDocument();
  });

  it('makes an invite code for a tenant who may approve fees', async () => {
    const api = new FakeApi()
      .install()
      .on('GET', '/api/me/houses', { body: [house] })
      .on('GET', '/api/me/houses/11/household', { body: view })
      .on('POST', '/api/me/houses/11/invites', {
        status: 201,
        body: {
          id: 5,
          houseId: 11,
          code: 'K7M2QX9P',
          relation: 'tenant',
          canApproveFees: true,
          expiresAt: '2026-11-28T02:00:00.000Z',
          createdAt: '2026-11-21T02:00:00.000Z',
          usedAt: null,
          qrPng: 'data:image/png;base64,iVBORw0KGgo=',
        },
      });
    render(<HouseholdPage />);
    tap(await screen.findByRole('radio', { name: '租户' }));
    tap(screen.getByRole('checkbox', { name: '可审批费用' }));
    tap(screen.getByRole('button', { name: '生成邀请码' }));
    expect(await screen.findByText('K7M2QX9P')).toBeInTheDocument();
    expect(screen.getByLabelText('邀请二维码')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/me/houses/11/invites')[0].body).toEqual({
      relation: 'tenant',
      canApproveFees: true,
    });
  });

  it('tells a tenant that only the owner manages the household', async () => {
    new FakeApi().install().on('GET', '/api/me/houses', { body: [{ ...house, relation: 'tenant' }] });
    render(<HouseholdPage />);
    expect(await screen.findByText(/只有已认证的业主可以管理家庭成员/)).toBeInTheDocument();
  });
});

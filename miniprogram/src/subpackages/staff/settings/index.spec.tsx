import { render, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { addDays, chinaDay, startOfChinaDay } from '@linli/shared';
import StaffSettingsPage, { leaveWindow } from './index';
import { FakeApi } from '../../../../test/fake-api';
import { staffLoggedIn } from '../../../../test/fixtures';
import { stubNavigation, tap, typeInto } from '../../../../test/ui';
import { storage } from '../../../services/storage';

describe('设置 (staff settings)', () => {
  let urls: string[];
  beforeEach(() => {
    staffLoggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it("shows the technician's name and role, care mode and 请假; no houses", async () => {
    new FakeApi().install().on('GET', '/api/leave', { body: [] });
    render(<StaffSettingsPage />);
    const account = screen.getByLabelText('账号');
    expect(account).toHaveTextContent('赵师傅');
    expect(account).toHaveTextContent('维修师傅');
    expect(screen.getByRole('switch', { name: /长辈模式/ })).toHaveTextContent('长辈模式');
    expect(await screen.findByRole('button', { name: '请假' })).toBeInTheDocument();
    expect(screen.queryByText('我的房屋')).not.toBeInTheDocument();
  });

  it('has 上报位置 off by default; the technician turns it on and off', async () => {
    new FakeApi().install().on('GET', '/api/leave', { body: [] });
    storage.setShareLocation(false);
    render(<StaffSettingsPage />);
    const row = screen.getByRole('switch', { name: /上报位置/ });
    expect(row).toHaveAttribute('aria-checked', 'false');
    expect(storage.shareLocation()).toBe(false);
    tap(row);
    await waitFor(() => expect(row).toHaveAttribute('aria-checked', 'true'));
    expect(storage.shareLocation()).toBe(true);
    tap(row);
    await waitFor(() => expect(row).toHaveAttribute('aria-checked', 'false'));
    expect(storage.shareLocation()).toBe(false);
    expect(await screen.findByRole('button', { name: '请假' })).toBeInTheDocument();
  });

  it('files a leave request of whole China days and lists it as 待审批', async () => {
    const today = chinaDay(new Date());
    const filed = {
      id: 5,
      userId: 7,
      userName: '赵师傅',
      ...leaveWindow(today, 1, 2),
      reason: '病假：发烧',
      status: 'pending',
      reviewedById: null,
      createdAt: new Date().toISOString(),
    };
    const api = new FakeApi()
      .install()
      .once('GET', '/api/leave', { body: [filed] })
      .once('GET', '/api/leave', { body: [] })
      .on('POST', '/api/staff/7/leave', { status: 201, body: filed });
    const { container } = render(<StaffSettingsPage />);
    tap(await screen.findByRole('button', { name: '请假' }));
    const sheet = screen.getByRole('dialog', { name: '请假申请' });
    tap(within(sheet).getByRole('button', { name: '提交申请' }));
    expect(within(sheet).getByRole('alert')).toHaveTextContent('请选择从哪天开始');
    tap(within(sheet).getByRole('radio', { name: '明天' }));
    tap(within(sheet).getByRole('radio', { name: '2天' }));
    tap(within(sheet).getByRole('radio', { name: '病假' }));
    await typeInto(container.querySelector('taro-textarea-core')!, '发烧');
    tap(within(sheet).getByRole('button', { name: '提交申请' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/staff/7/leave')).toHaveLength(1));
    expect(api.callsTo('POST', '/api/staff/7/leave')[0].body).toEqual({
      startAt: startOfChinaDay(addDays(today, 1)).toISOString(),
      endAt: startOfChinaDay(addDays(today, 3)).toISOString(),
      reason: '病假：发烧',
    });
    expect(await screen.findByRole('status')).toHaveTextContent('请假申请已提交，等待主管审批');
    expect(await screen.findByLabelText('我的请假')).toHaveTextContent('待审批');
  });

  it('logs out after a confirmation', async () => {
    new FakeApi().install().on('GET', '/api/leave', { body: [] });
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'ok' } as never);
    render(<StaffSettingsPage />);
    tap(screen.getByRole('button', { name: '退出登录' }));
    await waitFor(() => expect(urls).toEqual(['/pages/login/index']));
    expect(storage.token()).toBeFalsy();
  });
});

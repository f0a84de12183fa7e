import { render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import SettingsPage from './index';
import { Screen } from '../../../components/screen';
import { loggedIn } from '../../../../test/fixtures';
import { stubNavigation, tap } from '../../../../test/ui';
import { storage } from '../../../services/storage';

describe('设置', () => {
  let urls: string[];
  beforeEach(() => {
    loggedIn();
    urls = stubNavigation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('turns care mode on for every page on screen and remembers it', () => {
    // Another page in the stack, like home under settings.
    render(
      <>
        <Screen>home</Screen>
        <SettingsPage />
      </>,
    );
    const screens = screen.getAllByTestId('screen');
    expect(screens.every((s) => !s.classList.contains('care'))).toBe(true);

    tap(screen.getByRole('switch', { name: /长辈模式/ }));
    expect(screens.every((s) => s.classList.contains('care'))).toBe(true);
    expect(storage.careMode()).toBe(true);

    tap(screen.getByRole('switch', { name: /长辈模式/ }));
    expect(screens.some((s) => s.classList.contains('care'))).toBe(false);
    expect(storage.careMode()).toBe(false);
  });

  it('starts in care mode when it was left on', () => {
    storage.setCareMode(true);
    render(<SettingsPage />);
    expect(screen.getByTestId('screen')).toHaveClass('care');
  });

  it('logs out after confirming, forgetting the session', async () => {
    jest.spyOn(Taro, 'showModal').mockResolvedValue({ confirm: true, cancel: false, errMsg: 'ok' } as never);
    render(<SettingsPage />);
    tap(screen.getByRole('button', { name: '退出登录' }));
    await screen.findByText('退出登录');
    await new Promise((r) => setTimeout(r, 0));
    expect(storage.token()).toBeNull();
    expect(urls).toEqual(['/pages/login/index']);
  });
});

import Taro from '@tarojs/taro';
import type { UserView } from '@linli/shared';

/** Everything the app keeps on the device, under one prefix. */
const KEYS = {
  token: 'linli.token',
  user: 'linli.user',
  careMode: 'linli.careMode',
  shareLocation: 'linli.shareLocation',
  demoCode: 'linli.demoCode',
  pendingScan: 'linli.pendingScan',
} as const;

function read<T>(key: string): T | null {
  try {
    const value = Taro.getStorageSync(key) as T | '' | undefined;
    return value === '' || value === undefined ? null : value;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) Taro.removeStorageSync(key);
    else Taro.setStorageSync(key, value);
  } catch {
    // Storage full or unavailable (private mode): the app still works for this session.
  }
}

export const storage = {
  token: (): string | null => read<string>(KEYS.token),
  user: (): UserView | null => read<UserView>(KEYS.user),
  setSession(token: string, user: UserView): void {
    write(KEYS.token, token);
    write(KEYS.user, user);
  },
  clearSession(): void {
    write(KEYS.token, null);
    write(KEYS.user, null);
    write(KEYS.demoCode, null);
  },
  careMode: (): boolean => read<boolean>(KEYS.careMode) === true,
  setCareMode: (on: boolean): void => write(KEYS.careMode, on),
  /** Staff: send the phone's position with 出发/到达 (off until the technician turns it on). */
  shareLocation: (): boolean => read<boolean>(KEYS.shareLocation) === true,
  setShareLocation: (on: boolean): void => write(KEYS.shareLocation, on),
  /** H5 demo only: the code typed at login, which the fake WeChat maps to the same openid. */
  demoCode: (): string | null => read<string>(KEYS.demoCode),
  setDemoCode: (code: string | null): void => write(KEYS.demoCode, code),
  /** A QR scene scanned before signing in: home opens the report sheet for it after login. */
  pendingScan: (): string | null => read<string>(KEYS.pendingScan),
  setPendingScan: (scene: string | null): void => write(KEYS.pendingScan, scene),
};

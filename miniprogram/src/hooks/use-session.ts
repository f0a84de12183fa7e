import Taro, { useDidShow } from '@tarojs/taro';
import { storage } from '../services/storage';

export const STAFF_HOME = '/subpackages/staff/queue/index';
export const RESIDENT_HOME = '/pages/home/index';

/** Where a user lands after login: staff (any role but resident) on the staff queue. */
export function homeFor(role: string | undefined | null): string {
  return role && role !== 'resident' ? STAFF_HOME : RESIDENT_HOME;
}

/** Pages behind the login: without a token, go to the login page (replacing this one). */
export function requireLogin(): boolean {
  if (storage.token()) return true;
  void Taro.reLaunch({ url: '/pages/login/index' });
  return false;
}

export function useRequireLogin(): void {
  useDidShow(() => {
    requireLogin();
  });
}

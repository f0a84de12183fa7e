import Taro, { useDidShow } from '@tarojs/taro';
import { storage } from '../services/storage';

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

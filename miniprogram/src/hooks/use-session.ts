import Taro, { useDidShow } from '@tarojs/taro';
import { storage } from '../services/storage';

export const STAFF_HOME = '/subpackages/staff/queue/index';
export const DESK_HOME = '/subpackages/office/desk/index';
export const LEAD_HOME = '/subpackages/office/board/index';
export const RESIDENT_HOME = '/pages/home/index';

/**
 * Where a user lands after login, by role: technicians on their queue, the desk on its
 * workbench, supervisors (and admins who open the app) on the team board; residents at home.
 * Staff homes live in subpackages (staff: technicians; office: desk and supervisors), so
 * residents never download them.
 */
export function homeFor(role: string | undefined | null): string {
  switch (role) {
    case 'technician':
      return STAFF_HOME;
    case 'desk':
      return DESK_HOME;
    case 'supervisor':
    case 'admin':
      return LEAD_HOME;
    default:
      return RESIDENT_HOME;
  }
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

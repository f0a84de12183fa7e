// Sessions for the office page tests (not bundled: only *.spec.tsx import this file).
import type { UserView } from '@linli/shared';
import { storage } from '../../services/storage';

export const desk: UserView = { id: 3, role: 'desk', name: '客服小周', phone: null, companyId: 1, communityIds: [1] };
export const supervisor: UserView = {
  id: 2,
  role: 'supervisor',
  name: '主管老王',
  phone: null,
  companyId: 1,
  communityIds: [1],
};

export function signIn(user: UserView): void {
  localStorage.clear();
  storage.setSession(`tok-${user.id}`, user);
}

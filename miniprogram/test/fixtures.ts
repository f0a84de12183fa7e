import type { HouseBindingView, UserView, WorkOrderDetailView } from '@linli/shared';
import { storage } from '../src/services/storage';

export const resident: UserView = {
  id: 10,
  role: 'resident',
  name: '徐敏',
  phone: '13910007919',
  companyId: null,
  communityIds: [],
};

export const house: HouseBindingView = {
  id: 1,
  houseId: 11,
  houseLabel: '1栋1单元101',
  communityId: 1,
  communityName: '海月花园',
  relation: 'owner',
  status: 'verified',
  createdAt: '2026-11-20T02:00:00.000Z',
  applicant: { name: '徐敏', phone: '13910007919' },
};

export const categories = [
  { code: 'plumbing', name: '水管漏水' },
  { code: 'electrical', name: '电路停电' },
  { code: 'door_window', name: '门窗门锁' },
  { code: 'lift', name: '电梯故障' },
  { code: 'public_area', name: '公共区域' },
  { code: 'other', name: '其他' },
];

export function loggedIn(): void {
  localStorage.clear();
  storage.setSession('tok-1', resident);
}

export function order(over: Partial<WorkOrderDetailView> = {}): WorkOrderDetailView {
  const base = {
    id: 241,
    no: 'HY-20261127-0002',
    kind: 'repair',
    channel: 'miniprogram',
    status: 'assigned',
    priority: 'P2',
    category: 'plumbing',
    description: '厨房水槽下面漏水',
    companyId: 1,
    communityId: 1,
    houseId: 11,
    publicAreaId: null,
    location: '海月花园 1栋1单元101',
    reporter: { id: 10, name: '徐敏', phone: '13910007919' },
    assignee: { id: 7, name: '赵师傅', phone: '137****0104' },
    preferredTime: '尽快上门',
    photoIds: [],
    photos: [],
    quote: null,
    urgeCount: 0,
    reopenCount: 0,
    routingState: 'assigned',
    slaDueAt: new Date(Date.now() + 90 * 60000).toISOString(),
    version: 3,
    createdAt: '2026-11-27T07:48:00.000Z',
    updatedAt: '2026-11-27T07:48:00.000Z',
    actions: ['urge', 'cancel'],
    timeline: [
      {
        id: 1,
        action: 'create',
        from: null,
        to: 'submitted',
        actor: { id: 10, role: 'resident', name: '徐敏' },
        note: null,
        photoIds: [],
        photos: [],
        at: '2026-11-27T07:48:00.000Z',
      },
      {
        id: 2,
        action: 'assign',
        from: 'submitted',
        to: 'assigned',
        actor: { id: null, role: 'system', name: '系统' },
        note: null,
        photoIds: [],
        photos: [],
        at: '2026-11-27T07:48:01.000Z',
      },
    ],
  } satisfies Omit<WorkOrderDetailView, 'repeatOfId'>;
  // repeatOfId: newer servers link a repeat report to the earlier order.
  return { repeatOfId: null, ...base, ...over } as WorkOrderDetailView;
}

export const technician: UserView = {
  id: 7,
  role: 'technician',
  name: '赵师傅',
  phone: '13700000104',
  companyId: 1,
  communityIds: [1],
};

export function staffLoggedIn(): void {
  localStorage.clear();
  storage.setSession('tok-s', technician);
}

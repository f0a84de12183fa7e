import {
  AuditOutlined,
  AccountBookOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FormOutlined,
  MessageOutlined,
  NotificationOutlined,
  BankOutlined,
  PartitionOutlined,
  SafetyOutlined,
  ToolOutlined,
} from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { ConsoleRole } from './auth/session';

/** One page of the console: where it lives, who sees it, what the menu shows. */
export interface ConsoleRoute {
  /** Absolute path; nested paths (e.g. `/work-orders/:id`) are matched by the page itself via `path/*`. */
  path: string;
  /** Menu label (Simplified Chinese). */
  label: string;
  icon: ReactNode;
  /** Roles that see the menu entry and may open the page. */
  roles: readonly ConsoleRole[];
  /** The page's module (what `component` loads): called early by `preloadRoute`. */
  load: () => Promise<unknown>;
  component: LazyExoticComponent<ComponentType>;
}

/**
 * Every page of the console. Add a page by adding an entry here (default-exported component in
 * `src/pages/<name>/index.tsx`); the menu, the router and role checks all read this table.
 */
export const ROUTES: readonly ConsoleRoute[] = [
  {
    path: '/dashboard',
    label: '满意度看板',
    icon: <DashboardOutlined />,
    roles: ['admin', 'supervisor', 'desk'],
    load: () => import('./pages/dashboard/index'),
    component: lazy(() => import('./pages/dashboard/index')),
  },
  {
    path: '/work-orders',
    label: '工单管理',
    icon: <ToolOutlined />,
    roles: ['admin', 'supervisor', 'desk'],
    load: () => import('./pages/work-orders/index'),
    component: lazy(() => import('./pages/work-orders/index')),
  },
  {
    path: '/master-data',
    label: '基础数据',
    icon: <DatabaseOutlined />,
    roles: ['admin'],
    load: () => import('./pages/master-data/index'),
    component: lazy(() => import('./pages/master-data/index')),
  },
  {
    path: '/rules',
    label: '派单与时效规则',
    icon: <PartitionOutlined />,
    // Supervisors read it (docs/console.md): the rules APIs they may not read are left out.
    roles: ['admin', 'supervisor'],
    load: () => import('./pages/rules/index'),
    component: lazy(() => import('./pages/rules/index')),
  },
  {
    path: '/surveys',
    label: '满意度调查',
    icon: <FormOutlined />,
    roles: ['admin', 'supervisor'],
    load: () => import('./pages/surveys/index'),
    component: lazy(() => import('./pages/surveys/index')),
  },
  {
    path: '/notices',
    label: '通知与二维码',
    icon: <NotificationOutlined />,
    roles: ['admin', 'supervisor', 'desk'],
    load: () => import('./pages/notices/index'),
    component: lazy(() => import('./pages/notices/index')),
  },
  {
    path: '/inspections',
    label: '巡检与保养',
    icon: <SafetyOutlined />,
    roles: ['admin', 'supervisor'],
    load: () => import('./pages/inspections/index'),
    component: lazy(() => import('./pages/inspections/index')),
  },
  {
    path: '/fees',
    label: '费用收款',
    icon: <AccountBookOutlined />,
    roles: ['admin', 'supervisor', 'desk'],
    load: () => import('./pages/fees/index'),
    component: lazy(() => import('./pages/fees/index')),
  },
  {
    path: '/audit',
    label: '审计日志',
    icon: <AuditOutlined />,
    roles: ['admin'],
    load: () => import('./pages/audit/index'),
    component: lazy(() => import('./pages/audit/index')),
  },
  {
    path: '/sms',
    label: '短信记录',
    icon: <MessageOutlined />,
    roles: ['admin'],
    load: () => import('./pages/sms/index'),
    component: lazy(() => import('./pages/sms/index')),
  },
  {
    path: '/platform',
    label: '公司管理',
    icon: <BankOutlined />,
    // The platform operator's only page; no company role sees it.
    roles: ['operator'],
    load: () => import('./pages/platform/index'),
    component: lazy(() => import('./pages/platform/index')),
  },
];

export function routesFor(role: ConsoleRole): ConsoleRoute[] {
  return ROUTES.filter((r) => r.roles.includes(role));
}

/**
 * Start loading the page of `pathname` (the first page for `/`) at start-up, in parallel with the
 * session check (GET /api/me) instead of after it: on a slow network that saves one round trip
 * before the page's own requests. Only for a stored session; the module is fetched once either way.
 */
export function preloadRoute(pathname: string): void {
  const route = ROUTES.find((r) => pathname === r.path || pathname.startsWith(`${r.path}/`)) ?? ROUTES[0];
  void route.load().catch(() => undefined);
}

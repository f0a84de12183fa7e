import {
  AuditOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FormOutlined,
  PartitionOutlined,
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
    component: lazy(() => import('./pages/dashboard/index')),
  },
  {
    path: '/work-orders',
    label: '工单管理',
    icon: <ToolOutlined />,
    roles: ['admin', 'supervisor', 'desk'],
    component: lazy(() => import('./pages/work-orders/index')),
  },
  {
    path: '/master-data',
    label: '基础数据',
    icon: <DatabaseOutlined />,
    roles: ['admin'],
    component: lazy(() => import('./pages/master-data/index')),
  },
  {
    path: '/rules',
    label: '派单与时效规则',
    icon: <PartitionOutlined />,
    // The rules APIs (routing rules, SLA policies, prices, follow-up policy writes) are admin-only.
    roles: ['admin'],
    component: lazy(() => import('./pages/rules/index')),
  },
  {
    path: '/surveys',
    label: '满意度调查',
    icon: <FormOutlined />,
    roles: ['admin', 'supervisor'],
    component: lazy(() => import('./pages/surveys/index')),
  },
  {
    path: '/audit',
    label: '审计日志',
    icon: <AuditOutlined />,
    roles: ['admin'],
    component: lazy(() => import('./pages/audit/index')),
  },
];

export function routesFor(role: ConsoleRole): ConsoleRoute[] {
  return ROUTES.filter((r) => r.roles.includes(role));
}

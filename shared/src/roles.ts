/**
 * Who a user is in Linli. `system` is not a user: it acts for timers and routing. `operator` runs
 * the platform (creates and deactivates companies): it has no company and sees no company's data.
 */
export const ROLES = ['resident', 'technician', 'desk', 'supervisor', 'admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES = ['technician', 'desk', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Every actor of a work-order action, including the server acting on its own. */
export type ActorRole = Role | 'system';

export function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

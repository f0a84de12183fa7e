/**
 * Who sees what (docs/architecture.md "Tenancy and visibility"): which communities and rows a staff member may
 * see, and which phone digits anyone sees. Every service asks these, so the rules exist once.
 * A row outside what the viewer sees answers 404, never 403, so other tenants' ids cannot be probed.
 */
import type { Role } from './roles.js';
import type { WorkOrderStatus } from './work-order.js';

/** Who is looking: the parts of the authenticated actor that visibility reads. */
export interface Viewer {
  role: Role;
  /** Null for residents. */
  companyId: number | null;
  /** Communities a staff member serves; admins see every community of their company. */
  communityIds: readonly number[];
}

/** Something that belongs to a company's community: a community itself, an order, a survey. */
export interface CommunityScoped {
  companyId: number;
  communityId: number;
}

/** A community run by the viewer's company (company-wide settings: price lists, SLA policies). */
export function ofViewersCompany(viewer: Viewer, row: { companyId: number }): boolean {
  return viewer.companyId !== null && row.companyId === viewer.companyId;
}

/** A row of a community the viewer works in: admins company-wide, other staff where they serve. */
export function servesRow(viewer: Viewer, row: CommunityScoped): boolean {
  if (viewer.role === 'resident' || !ofViewersCompany(viewer, row)) return false;
  return viewer.role === 'admin' || viewer.communityIds.includes(row.communityId);
}

/** The same for a community row (its own id is the community). */
export function servesCommunity(viewer: Viewer, community: { id: number; companyId: number }): boolean {
  return servesRow(viewer, { companyId: community.companyId, communityId: community.id });
}

/**
 * The communities a staff list is limited to within the viewer's company: `all` for admins,
 * else the served ones (possibly none, which shows nothing).
 */
export function servedCommunities(viewer: Viewer): 'all' | readonly number[] {
  return viewer.role === 'admin' ? 'all' : viewer.communityIds;
}

/** Statuses in which the reporter sees the assignee's full phone number (to call them). */
const CALLABLE: ReadonlySet<WorkOrderStatus> = new Set([
  'assigned',
  'accepted',
  'on_the_way',
  'in_progress',
  'paused',
  'quoted',
]);

/** Which phone numbers of an order a viewer sees in full; the others are masked (maskPhone). */
export function fullPhonesOnOrder(
  viewer: { role: Role },
  relation: { isAssignee: boolean; isReporter: boolean },
  status: WorkOrderStatus,
): { reporter: boolean; assignee: boolean } {
  const office = viewer.role === 'desk' || viewer.role === 'supervisor' || viewer.role === 'admin';
  return {
    reporter: office || relation.isAssignee || relation.isReporter,
    // The reporter may call the technician while the work is under way; staff always.
    assignee: viewer.role !== 'resident' || (relation.isReporter && CALLABLE.has(status)),
  };
}

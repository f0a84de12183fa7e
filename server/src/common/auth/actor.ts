import type { Role } from '@linli/shared';

/** The authenticated user of a request, as every service receives it. */
export interface Actor {
  userId: number;
  role: Role;
  name: string;
  /**
   * The user's phone as the auth guard read it with the rest (the create answer shows the
   * reporter without reading them again); absent on actors built elsewhere.
   */
  phone?: string | null;
  /** Null for residents. */
  companyId: number | null;
  /** Communities a staff member serves (empty for residents and admins, who see the whole company). */
  communityIds: number[];
  /** The request's id (set by the auth guard), recorded in the audit log. */
  requestId?: string;
}

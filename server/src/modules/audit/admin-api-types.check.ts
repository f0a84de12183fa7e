/**
 * Compile-time guard: the admin API shapes the console reads from @linli/shared (admin-api.ts)
 * must stay identical to what the server's services return. A drift fails `tsc`.
 */
import type * as Shared from '@linli/shared';
import type { RoutingRuleView } from '../routing/routing-rules.service.js';
import type { FollowUpPolicyView } from '../satisfaction/follow-ups.dto.js';
import type { SlaPolicyView } from '../sla/sla-policies.service.js';
import type { LeaveView } from '../staff/leave.service.js';
import type { Roster } from '../staff/staff.repository.js';
import type { StaffView } from '../staff/staff.service.js';
import type { TeamView } from '../staff/teams.service.js';
import type { PriceItemView } from '../price-list/price-list.service.js';
import type { SurveyResultsView, SurveyView } from '../surveys/surveys.dto.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const ADMIN_API_TYPES_MATCH: [
  Same<RoutingRuleView, Shared.RoutingRuleView>,
  Same<SlaPolicyView, Shared.SlaPolicyView>,
  Same<StaffView, Shared.StaffView>,
  Same<Roster, Shared.RosterView>,
  Same<TeamView, Shared.TeamView>,
  Same<LeaveView, Shared.LeaveView>,
  Same<PriceItemView, Shared.PriceItemView>,
  Same<FollowUpPolicyView, Shared.FollowUpPolicyView>,
  Same<SurveyView, Shared.SurveyView>,
  Same<SurveyResultsView, Shared.SurveyResultsView>,
] = [true, true, true, true, true, true, true, true, true, true];

/**
 * The console's typed service layer: one object per domain, each call typed with the view types
 * of @linli/shared. Pages use these (`useServices().orders.list(filters)`, or through
 * `useRequest((s) => s.routingRules.list(), [])`), never raw paths.
 */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../client';
import { auditService } from './audit';
import { authService } from './auth';
import { billingService } from './billing';
import { inspectionsService } from './inspections';
import { lookupsService } from './lookups';
import { bindingsService, masterDataService } from './master-data';
import { noticesService } from './notices';
import { ordersService } from './orders';
import { passwordResetService, platformService } from './platform';
import { paymentsService } from './payments';
import { followUpPolicyService, priceItemsService, routingRulesService, slaPoliciesService } from './rules';
import { scoresService } from './scores';
import { smsService } from './sms';
import { leaveService, staffService, teamsService } from './staff';
import { surveysService } from './surveys';

export function createServices(client: ApiClient) {
  return {
    auth: authService(client),
    lookups: lookupsService(client),
    orders: ordersService(client),
    billing: billingService(client),
    notices: noticesService(client),
    scores: scoresService(client),
    staff: staffService(client),
    teams: teamsService(client),
    leave: leaveService(client),
    routingRules: routingRulesService(client),
    slaPolicies: slaPoliciesService(client),
    priceItems: priceItemsService(client),
    followUpPolicy: followUpPolicyService(client),
    masterData: masterDataService(client),
    bindings: bindingsService(client),
    surveys: surveysService(client),
    inspections: inspectionsService(client),
    audit: auditService(client),
    sms: smsService(client),
    payments: paymentsService(client),
    platform: platformService(client),
    passwordReset: passwordResetService(client),
  };
}

export type Services = ReturnType<typeof createServices>;

export const ServicesContext = createContext<Services | null>(null);

/** The services of the session (its bearer token attached to every call). */
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside SessionProvider');
  return s;
}

export type { CrudService } from './crud';
export type { OrderExportQuery, WorkOrderListQuery } from './orders';
export type { ScopeQuery } from './rules';
export type { ScoreSlice } from './scores';
export type { ServiceAreaInput } from './staff';
export type { AuditLogQuery } from './audit';
export type { SmsMessageQuery } from './sms';

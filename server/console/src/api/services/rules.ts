import type {
  EffectiveSlaPolicyView,
  FollowUpPolicyValue,
  FollowUpPolicyView,
  PriceItemView,
  Priority,
  RoutingRuleInput,
  RoutingRuleView,
  SlaPolicyView,
} from '@linli/shared';
import type { ApiClient } from '../client';
import { crudService } from './crud';

/** The scope an order would have: what the rule and policy previews ask about. */
export interface ScopeQuery {
  communityId?: number;
  category?: string;
  priority: Priority;
}

/** Body of POST /api/sla-policies and PUT /api/sla-policies/:id (PUT replaces every field). */
export type SlaPolicyInput = Omit<SlaPolicyView, 'id'>;

/** Body of POST /api/price-items and PUT /api/price-items/:id; no community = every community. */
export type PriceItemInput = Omit<PriceItemView, 'id' | 'communityId'> & { communityId?: number };

/** Body of PUT /api/communities/:id/follow-up-policy; a null window = the default. */
export interface FollowUpPolicyInput {
  policy: FollowUpPolicyValue;
  ratingWindowDays: number | null;
}

/** Routing rules (派单规则) and which one a new order would follow. */
export function routingRulesService(client: ApiClient) {
  return {
    ...crudService<RoutingRuleView, RoutingRuleInput>(client, '/routing-rules'),
    /** The rule the server's selectRule picks for this scope (null: the system default). */
    preview: (q: ScopeQuery) => client.get<{ rule: RoutingRuleView | null }>('/routing-rules/preview', { ...q }),
  };
}

/** SLA policies (时效策略) and the targets an order of a scope is measured against. */
export function slaPoliciesService(client: ApiClient) {
  return {
    ...crudService<SlaPolicyView, SlaPolicyInput>(client, '/sla-policies'),
    effective: (q: ScopeQuery) => client.get<EffectiveSlaPolicyView>('/sla-policies/effective', { ...q }),
  };
}

/** The price list (收费标准): the items a community sees (its own and the company's). */
export const priceItemsService = (client: ApiClient) =>
  crudService<PriceItemView, PriceItemInput, number>(client, '/price-items', {
    path: '/price-list',
    query: (communityId) => ({ communityId }),
  });

/** Per community: which completed orders get a follow-up call, and the rating window. */
export function followUpPolicyService(client: ApiClient) {
  return {
    get: (communityId: number) => client.get<FollowUpPolicyView>(`/communities/${communityId}/follow-up-policy`),
    update: (communityId: number, body: FollowUpPolicyInput) =>
      client.put<FollowUpPolicyView>(`/communities/${communityId}/follow-up-policy`, body),
  };
}

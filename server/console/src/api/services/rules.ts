import type {
  EffectiveSlaPolicyView,
  FollowUpPolicyInput,
  FollowUpPolicyView,
  PriceItemInput,
  PriceItemView,
  Priority,
  RoutingRuleInput,
  RoutingRuleView,
  SlaPolicyInput,
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

import type { CategoryView, CommunityOption } from '@linli/shared';
import type { ApiClient } from '../client';

/** What pickers list: the company's communities and the repair categories. */
export function lookupsService(client: ApiClient) {
  return {
    /** GET /api/communities */
    communities: () => client.get<CommunityOption[]>('/communities'),
    /** GET /api/categories */
    categories: () => client.get<CategoryView[]>('/categories'),
  };
}

import type { BreakdownBy, BreakdownView, DriversView, HotspotsView, SummaryView } from '@linli/shared';
import type { ApiClient } from '../client';

/** A slice of the scores API: China days yyyy-mm-dd (both included), the company or one community. */
export interface ScoreSlice {
  from: string;
  to: string;
  communityId: number | null;
}

/** The satisfaction scores (`/api/satisfaction/*`): the console shows them, it computes none. */
export function scoresService(client: ApiClient) {
  return {
    summary: (s: ScoreSlice) => client.get<SummaryView>('/satisfaction/summary', { ...s }),
    breakdown: (s: ScoreSlice, by: BreakdownBy) => client.get<BreakdownView>('/satisfaction/breakdown', { ...s, by }),
    drivers: (s: ScoreSlice) => client.get<DriversView>('/satisfaction/drivers', { ...s }),
    hotspots: (s: ScoreSlice, limit: number) => client.get<HotspotsView>('/satisfaction/hotspots', { ...s, limit }),
  };
}

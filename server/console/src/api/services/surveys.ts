import type { SurveyInput, SurveyResultsView, SurveyStatusValue, SurveyView } from '@linli/shared';
import type { ApiClient } from '../client';

/** Community surveys: create (a draft), open, close, results. */
export function surveysService(client: ApiClient) {
  return {
    list: (q: { communityId?: number; status?: SurveyStatusValue }) => client.get<SurveyView[]>('/surveys', q),
    create: (body: SurveyInput) => client.post<SurveyView>('/surveys', body),
    /** draft -> open -> closed. */
    move: (id: number, step: 'open' | 'close') => client.post<SurveyView>(`/surveys/${id}/${step}`),
    results: (id: number) => client.get<SurveyResultsView>(`/surveys/${id}/results`),
  };
}

import type {
  SurveyInput,
  SurveyPeriodView,
  SurveyResultsView,
  SurveyScheduleInput,
  SurveyScheduleView,
  SurveyStatusValue,
  SurveyView,
} from '@linli/shared';
import type { ApiClient } from '../client';

/** Community surveys: create (a draft), open, close, results; schedules and their periods. */
export function surveysService(client: ApiClient) {
  return {
    list: (q: { communityId?: number; status?: SurveyStatusValue }) => client.get<SurveyView[]>('/surveys', q),
    create: (body: SurveyInput) => client.post<SurveyView>('/surveys', body),
    /** draft -> open -> closed. */
    move: (id: number, step: 'open' | 'close') => client.post<SurveyView>(`/surveys/${id}/${step}`),
    results: (id: number) => client.get<SurveyResultsView>(`/surveys/${id}/results`),
    /** The scheduled periods, newest first, with response rate, ACSI, NPS and the trend. */
    periods: (q: { communityId?: number }) => client.get<SurveyPeriodView[]>('/surveys/periods', q),
    schedules: () => client.get<SurveyScheduleView[]>('/survey-schedules'),
    saveSchedule: (body: SurveyScheduleInput) => client.put<SurveyScheduleView>('/survey-schedules', body),
    /** Open the current period's survey of a community now. */
    openNow: (communityId: number) => client.post<SurveyView>('/survey-schedules/open-now', { communityId }),
  };
}

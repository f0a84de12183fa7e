import type { BuildingOption, MergeResultView, NoticeKind, NoticeView, QrSheetView } from '@linli/shared';
import type { ApiClient } from '../client';

export interface NoticeInput {
  communityId: number;
  /** null: the whole community. */
  buildingIds: number[] | null;
  kind: NoticeKind;
  title: string;
  body: string;
  startsAt: string;
  endsAt: string;
}

/** Notices to residents and the printable QR sheet (docs/notices.md). */
export function noticesService(client: ApiClient) {
  return {
    list: (q: { communityId?: number; state?: 'current' | 'all' }) => client.get<NoticeView[]>('/notices', q),
    publish: (body: NoticeInput) => client.post<NoticeView>('/notices', body),
    end: (id: number) => client.post<NoticeView>(`/notices/${id}/end`),
    buildings: (communityId: number) => client.get<BuildingOption[]>(`/communities/${communityId}/buildings`),
    qrSheet: (communityId: number) => client.get<QrSheetView>(`/qr/communities/${communityId}/sheet`),
    /** Merge a duplicate order into a surviving one (docs/notices.md "Shared faults"). */
    merge: (duplicateId: number, intoId: number) =>
      client.post<MergeResultView>(`/work-orders/${duplicateId}/merge`, { intoId }),
  };
}

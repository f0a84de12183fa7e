import type {
  BuildingRow,
  CommunityOption,
  CoordinatesInput,
  CommunityRow,
  HouseBindingView,
  HouseRow,
  ImportResult,
  Page,
  PlaceCoordinatesView,
  ServicePhoneInput,
} from '@linli/shared';
import type { ApiClient } from '../client';

/** Communities and houses to browse, a community's service phone, and the all-or-nothing import of the template. */
export function masterDataService(client: ApiClient) {
  return {
    communities: (q: { q?: string; page: number; pageSize: number }) =>
      client.get<Page<CommunityRow>>('/master-data/communities', q),
    houses: (q: { communityId: number; q?: string; page: number; pageSize: number }) =>
      client.get<Page<HouseRow>>('/master-data/houses', q),
    /** Set the community's 物业服务电话; null clears it. A bad number throws ApiError VALIDATION_FAILED. */
    setServicePhone: (communityId: number, servicePhone: string | null) =>
      client.put<CommunityOption>(`/communities/${communityId}/service-phone`, {
        servicePhone,
      } satisfies ServicePhoneInput),
    /** Every building of the community with its coordinates. */
    buildings: (communityId: number) => client.get<BuildingRow[]>('/master-data/buildings', { communityId }),
    /** Set (both numbers) or clear (both null) a community's or building's coordinates. */
    setCoordinates: (kind: 'community' | 'building', id: number, at: CoordinatesInput) =>
      client.put<PlaceCoordinatesView>(
        `/${kind === 'community' ? 'communities' : 'buildings'}/${id}/coordinates`,
        at satisfies CoordinatesInput,
      ),
    /** The import template (.xlsx) and its file name. */
    template: () => client.download('/imports/master-data/template.xlsx'),
    /** A failed row check throws ApiError IMPORT_INVALID with the rows in `details`. */
    import: (file: File, dryRun: boolean) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return client.post<ImportResult>('/imports/master-data', form, { dryRun: dryRun ? 'true' : undefined });
    },
  };
}

/** House bindings the registry could not verify, for the office to review. */
export function bindingsService(client: ApiClient) {
  return {
    pending: () => client.get<HouseBindingView[]>('/house-bindings/pending'),
    review: (id: number, decision: 'verified' | 'rejected') =>
      client.post<HouseBindingView>(`/house-bindings/${id}/review`, { decision }),
  };
}

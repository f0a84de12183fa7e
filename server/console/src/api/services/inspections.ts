import type {
  ChecklistItem,
  CreatedWorkOrderView,
  InspectionPlanView,
  InspectionPointView,
  InspectionReportView,
  InspectionRoundDetailView,
  InspectionRoundView,
  PlanFrequency,
  PlanKind,
  PointQrView,
  PublicAreaOption,
  RoundStatus,
} from '@linli/shared';
import type { ApiClient } from '../client';

export interface PointInput {
  communityId: number;
  publicAreaId: number;
  name: string;
  checklist: ChecklistItem[];
}

export interface PlanInput {
  kind: PlanKind;
  communityId: number;
  name: string;
  frequency: PlanFrequency;
  dayOf?: number | null;
  windowStart: number;
  windowEnd: number;
  teamId?: number;
  pointIds?: number[];
  publicAreaId?: number;
  buildingId?: number;
  category?: string;
  description?: string;
}

/** Inspections (巡检) and planned maintenance (保养): points, plans, rounds, reports. */
export function inspectionsService(client: ApiClient) {
  return {
    publicAreas: (communityId: number) => client.get<PublicAreaOption[]>(`/communities/${communityId}/public-areas`),
    points: (q: { communityId?: number }) => client.get<InspectionPointView[]>('/inspection-points', q),
    createPoint: (body: PointInput) => client.post<InspectionPointView>('/inspection-points', body),
    updatePoint: (id: number, body: Partial<Pick<InspectionPointView, 'name' | 'checklist' | 'active'>>) =>
      client.patch<InspectionPointView>(`/inspection-points/${id}`, body),
    pointQr: (id: number) => client.get<PointQrView>(`/inspection-points/${id}/qr`),
    plans: (q: { communityId?: number; kind?: PlanKind }) => client.get<InspectionPlanView[]>('/inspection-plans', q),
    createPlan: (body: PlanInput) => client.post<InspectionPlanView>('/inspection-plans', body),
    setPlanActive: (id: number, active: boolean) =>
      client.patch<InspectionPlanView>(`/inspection-plans/${id}`, { active }),
    rounds: (q: { communityId?: number; status?: RoundStatus; from?: string; to?: string }) =>
      client.get<InspectionRoundView[]>('/inspection-rounds', q),
    round: (id: number) => client.get<InspectionRoundDetailView>(`/inspection-rounds/${id}`),
    report: (q: { communityId?: number; from: string; to: string }) =>
      client.get<InspectionReportView>('/inspection-reports', q),
    maintenanceOrder: (body: { publicAreaId: number; category: string; description: string }) =>
      client.post<CreatedWorkOrderView>('/maintenance-orders', body),
  };
}

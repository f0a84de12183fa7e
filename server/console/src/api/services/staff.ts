import type {
  BuildingOption,
  CreateStaffInput,
  LeaveStatus,
  LeaveView,
  RosterView,
  StaffProfileInput,
  StaffCreatedView,
  StaffRole,
  StaffView,
  TeamInput,
  TeamView,
  UpdateStaffInput,
} from '@linli/shared';
import type { ApiClient } from '../client';
import { crudService } from './crud';

/** Body of PUT /api/staff/:id/service-area. */
export type ServiceAreaInput = Pick<StaffView, 'communityIds' | 'buildingIds'>;

/** Staff of the company: the list, and each member's profile, skills, service area and roster. */
export function staffService(client: ApiClient) {
  return {
    /** GET /api/staff, of one role and (optionally) serving one community. */
    list: (q: { role?: StaffRole; communityId?: number } = {}) => client.get<StaffView[]>('/staff', q),
    roster: (id: number) => client.get<RosterView>(`/staff/${id}/shifts`),
    setRoster: (id: number, body: RosterView) => client.put<RosterView>(`/staff/${id}/shifts`, body),
    setProfile: (id: number, body: StaffProfileInput) => client.put<StaffView>(`/staff/${id}/profile`, body),
    setSkills: (id: number, skills: StaffView['skills']) => client.put<StaffView>(`/staff/${id}/skills`, { skills }),
    setServiceArea: (id: number, body: ServiceAreaInput) => client.put<StaffView>(`/staff/${id}/service-area`, body),
    /** POST /api/staff: a new account and everything around it; the temporary password is in this answer only. */
    create: (body: CreateStaffInput) => client.post<StaffCreatedView>('/staff', body),
    /** PUT /api/staff/:id: name, phone, role; `active` false deactivates, true reactivates. */
    update: (id: number, body: UpdateStaffInput) => client.put<StaffView>(`/staff/${id}`, body),
    setTeams: (id: number, teamIds: number[]) => client.put<StaffView>(`/staff/${id}/teams`, { teamIds }),
    /** GET /api/communities/:id/buildings, for the service-area picker. */
    buildings: (communityId: number) => client.get<BuildingOption[]>(`/communities/${communityId}/buildings`),
  };
}

/** Teams (班组). */
export const teamsService = (client: ApiClient) => crudService<TeamView, TeamInput>(client, '/teams');

/** Leave requests and their review. */
export function leaveService(client: ApiClient) {
  return {
    list: (status?: LeaveStatus) => client.get<LeaveView[]>('/leave', { status }),
    review: (id: number, decision: 'approved' | 'rejected') =>
      client.post<LeaveView>(`/leave/${id}/review`, { decision }),
  };
}

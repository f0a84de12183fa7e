import type {
  CreateCompanyRequest,
  CreateCompanyResponse,
  PasswordResetResponse,
  PlatformCompanyView,
} from '@linli/shared';
import type { ApiClient } from '../client';

/** The platform operator's companies (docs/console.md "Platform"). */
export function platformService(client: ApiClient) {
  return {
    /** GET /api/platform/companies */
    companies: () => client.get<PlatformCompanyView[]>('/platform/companies'),
    /** POST /api/platform/companies: the first admin's one-time password is in the answer. */
    createCompany: (body: CreateCompanyRequest) => client.post<CreateCompanyResponse>('/platform/companies', body),
    /** POST /api/platform/companies/:id/deactivate | activate */
    setActive: (id: number, active: boolean) =>
      client.post<PlatformCompanyView>(`/platform/companies/${id}/${active ? 'activate' : 'deactivate'}`),
  };
}

/** An admin's reset of a staff member's password (shown once). */
export function passwordResetService(client: ApiClient) {
  return {
    /** POST /api/staff/:id/password-reset */
    reset: (userId: number) => client.post<PasswordResetResponse>(`/staff/${userId}/password-reset`),
  };
}

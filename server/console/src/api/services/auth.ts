import type { LoginResponse, UserView } from '@linli/shared';
import type { ApiClient } from '../client';

/** Sign-in and the signed-in user. */
export function authService(client: ApiClient) {
  return {
    /** POST /api/auth/password */
    login: (username: string, password: string) => client.post<LoginResponse>('/auth/password', { username, password }),
    /** GET /api/me */
    me: () => client.get<UserView>('/me'),
    /** POST /api/me/password: a fresh token (other sessions end). */
    changePassword: (oldPassword: string, newPassword: string) =>
      client.post<LoginResponse>('/me/password', { oldPassword, newPassword }),
  };
}

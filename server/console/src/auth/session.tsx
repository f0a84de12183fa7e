import type { Role, UserView } from '@linli/shared';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, ApiError } from '../api/client';
import { createServices, ServicesContext, type Services } from '../api/services';

/** Where the session's token is kept (read at start-up by main.tsx too). */
export const TOKEN_KEY = 'linli.console.token';

/**
 * Roles that may use the console. Technicians and residents use the mini-program; the platform
 * operator sees only its companies page.
 */
export const CONSOLE_ROLES = ['admin', 'supervisor', 'desk', 'operator'] as const satisfies readonly Role[];
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export function isConsoleRole(role: Role): role is ConsoleRole {
  return (CONSOLE_ROLES as readonly Role[]).includes(role);
}

export interface Session {
  /** The signed-in user, null before login; `loading` while the stored token is checked. */
  user: UserView | null;
  loading: boolean;
  services: Services;
  login: (username: string, password: string) => Promise<UserView>;
  logout: () => void;
  /**
   * The signed-in account must set its own password before anything else (an admin or the CLI
   * chose it): the console shows only the 设置新密码 form.
   */
  mustChangePassword: boolean;
  changePassword: (oldPassword: string, newPassword: string) => Promise<UserView>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const tokenRef = useRef<string | null>(localStorage.getItem(TOKEN_KEY));
  const [user, setUser] = useState<UserView | null>(null);
  const [loading, setLoading] = useState<boolean>(tokenRef.current !== null);
  const [mustChangePassword, setMustChangePassword] = useState(false);

  const logout = useCallback(() => {
    tokenRef.current = null;
    localStorage.removeItem(TOKEN_KEY);
    setUser(null);
    setMustChangePassword(false);
  }, []);

  const services = useMemo(
    () => createServices(new ApiClient({ token: () => tokenRef.current, onUnauthenticated: logout })),
    [logout],
  );

  useEffect(() => {
    if (!tokenRef.current) return;
    let live = true;
    services.auth
      .me()
      .then((me) => {
        if (!live) return;
        if (isConsoleRole(me.role)) setUser(me);
        else logout();
      })
      .catch((e: unknown) => {
        if (!live) return;
        // A stored token of an account that has not set its password yet: only the form.
        if (e instanceof ApiError && e.code === 'PASSWORD_CHANGE_REQUIRED') setMustChangePassword(true);
        else logout();
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [services, logout]);

  const login = useCallback(
    async (username: string, password: string) => {
      const res = await services.auth.login(username, password);
      if (!isConsoleRole(res.user.role)) {
        throw new ApiError(403, { code: 'FORBIDDEN', message: '控制台仅供客服、主管和管理员使用，请使用小程序' });
      }
      tokenRef.current = res.token;
      localStorage.setItem(TOKEN_KEY, res.token);
      setMustChangePassword(res.user.mustChangePassword === true);
      setUser(res.user);
      return res.user;
    },
    [services],
  );

  const changePassword = useCallback(
    async (oldPassword: string, newPassword: string) => {
      const res = await services.auth.changePassword(oldPassword, newPassword);
      tokenRef.current = res.token;
      localStorage.setItem(TOKEN_KEY, res.token);
      setMustChangePassword(false);
      setUser(res.user);
      return res.user;
    },
    [services],
  );

  const value = useMemo<Session>(
    () => ({ user, loading, services, login, logout, mustChangePassword, changePassword }),
    [user, loading, services, login, logout, mustChangePassword, changePassword],
  );
  return (
    <SessionContext.Provider value={value}>
      <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user; only call it inside pages (which are rendered after login). */
export function useCurrentUser(): UserView & { role: ConsoleRole } {
  const { user } = useSession();
  if (!user || !isConsoleRole(user.role)) throw new Error('useCurrentUser without a console user');
  return user as UserView & { role: ConsoleRole };
}

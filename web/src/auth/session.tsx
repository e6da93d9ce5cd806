/**
 * Who is logged in and what they may do, from `GET /api/v1/auth/me`. Screens ask `useCan('alarms.manage')` and do not
 * show what the role may not use; the server refuses it anyway, so this is about a clean screen, not about security.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import type { Me } from '../api/types.ts';

const SessionContext = createContext<Me | null>(null);

export function useMeQuery() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api<Me>('/api/v1/auth/me');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null; // not logged in: the login screen
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside a logged-in screen');
  return me;
}

export function useCan(permission: string): boolean {
  return permission in useSession().permissions;
}

/** Renders its children only for a user holding the permission (else the fallback, if any). */
export function Can({ permission, children, fallback = null }: { permission: string; children: ReactNode; fallback?: ReactNode }) {
  return useCan(permission) ? <>{children}</> : <>{fallback}</>;
}

export function useLogin() {
  const qc = useQueryClient();
  return async (username: string, password: string) => {
    await api('/api/v1/auth/login', { method: 'POST', body: { username, password } });
    await qc.invalidateQueries({ queryKey: ['me'] });
  };
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    await api('/api/v1/auth/logout', { method: 'POST', body: {} });
    // Back to the login screen, and nothing of the last user's data left in memory for the next one.
    qc.setQueryData(['me'], null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  };
}

/**
 * Who is signed in: loaded from the server (`GET /api/v1/auth/session`) at
 * start and after login; nothing about the session is kept in storage.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../api/api-client.ts';
import type { Me } from '../api/types.ts';

interface SessionState {
  readonly me: Me | null;
  readonly loading: boolean;
  readonly refresh: () => Promise<Me | null>;
  readonly logout: () => Promise<void>;
  readonly can: (permission: string) => boolean;
  /** Runs `task` before the logout request (the phone unregisters while its credential still works); returns the undo. */
  readonly beforeLogout: (task: () => Promise<void>) => () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider(props: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const loaded = await api<Me>('GET', '/api/v1/auth/session');
      setCsrfToken(loaded.csrfToken);
      setMe(loaded);
      return loaded;
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
      setCsrfToken('');
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  const [tasks] = useState(() => new Set<() => Promise<void>>());
  const beforeLogout = useCallback(
    (task: () => Promise<void>) => {
      tasks.add(task);
      return () => void tasks.delete(task);
    },
    [tasks],
  );

  const logout = useCallback(async () => {
    await Promise.allSettled([...tasks].map((t) => t()));
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      setCsrfToken('');
      setMe(null);
    }
  }, [tasks]);

  useEffect(() => {
    refresh().catch(() => setLoading(false));
  }, [refresh]);

  const can = useCallback(
    (permission: string) => {
      if (!me) return false;
      if (me.permissions.includes(permission)) return true;
      return (
        permission.endsWith(':view') &&
        me.permissions.includes(permission.replace(/:view$/, ':change'))
      );
    },
    [me],
  );

  return (
    <SessionContext.Provider value={{ me, loading, refresh, logout, can, beforeLogout }}>
      {props.children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

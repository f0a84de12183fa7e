import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from './client';
import { errorText } from './client';
import { useApi } from '../auth/session';

export interface RequestState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Run the request again (e.g. after a change). */
  reload: () => void;
}

/**
 * Load data with the session's client whenever `deps` change; the newest answer wins.
 * `load` may return null to skip (e.g. until a filter is complete).
 */
export function useRequest<T>(load: (api: ApiClient) => Promise<T> | null, deps: readonly unknown[]): RequestState<T> {
  const api = useApi();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const promise = loadRef.current(api);
    if (!promise) return;
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    promise
      .then((value) => {
        if (mine === seq.current) setData(value);
      })
      .catch((e: unknown) => {
        if (mine === seq.current) setError(errorText(e));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    // The caller lists what `load` depends on, as with useEffect.
  }, [api, tick, ...deps]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from './client';
import { useServices, type Services } from './services';

export interface RequestState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Run the request again (e.g. after a change). */
  reload: () => void;
}

/**
 * Load data with the session's services whenever `deps` change; the newest answer wins.
 * `load` may return null to skip (e.g. until a filter is complete).
 */
export function useRequest<T>(load: (s: Services) => Promise<T> | null, deps: readonly unknown[]): RequestState<T> {
  const services = useServices();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const promise = loadRef.current(services);
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
  }, [services, tick, ...deps]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

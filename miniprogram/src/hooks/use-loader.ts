import { useCallback, useEffect, useRef, useState } from 'react';
import { textOf } from '../services/errors';

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  /** Chinese text of the last failure; the data of an earlier load stays. */
  error: string | null;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

/** Load data for a page, with loading and error states and a retry. */
export function useLoader<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  // The caller names what the load depends on, like useEffect.
  const run = useCallback(load, deps);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const value = await run();
      if (mine === seq.current) setData(value);
    } catch (err) {
      if (mine === seq.current) setError(textOf(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, error, reload, setData };
}

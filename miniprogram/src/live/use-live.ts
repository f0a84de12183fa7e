import { useEffect, useRef, useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { followLive, type LiveOrderNotice } from '@linli/shared';
import { live as appLive, type LiveConnection } from './connection';

/** While the socket is down, pages look again this often. */
export const LIVE_POLL_MS = 15_000;

export interface LiveOptions {
  /** Which notices concern the page (default: every order notice; `resync` always does). */
  relevant?: (msg: LiveOrderNotice) => boolean;
  /** Polling period while the socket is down. */
  pollMs?: number;
  /** Off: the page does not listen (e.g. before it knows what it shows). */
  enabled?: boolean;
  /** The connection (tests). */
  connection?: LiveConnection;
}

/**
 * Keep a page current: `refetch` runs when a relevant change notice arrives over the live
 * socket, once when the socket comes back after a drop (notices may have been missed), and every
 * `pollMs` while the socket is down. Only while the page is shown.
 */
export function useLive(refetch: () => unknown, opts: LiveOptions = {}): { live: boolean } {
  const { pollMs = LIVE_POLL_MS, enabled = true } = opts;
  const connection = opts.connection ?? appLive;
  const latest = useRef({ refetch, relevant: opts.relevant });
  latest.current = { refetch, relevant: opts.relevant };
  const [shown, setShown] = useState(true);
  const [ready, setReady] = useState(connection.isReady);
  useDidShow(() => setShown(true));
  useDidHide(() => setShown(false));

  useEffect(() => {
    if (!enabled || !shown) return;
    const stop = followLive(connection, {
      refresh: () => void Promise.resolve(latest.current.refetch()).catch(() => undefined),
      relevant: () => latest.current.relevant,
      onReady: setReady,
    });
    setReady(connection.isReady);
    return stop;
  }, [enabled, shown, connection]);

  // The fallback: poll while the socket is not usable.
  useEffect(() => {
    if (!enabled || !shown || ready) return;
    const timer = setInterval(() => void Promise.resolve(latest.current.refetch()).catch(() => undefined), pollMs);
    return () => clearInterval(timer);
  }, [enabled, shown, ready, pollMs]);

  return { live: ready };
}

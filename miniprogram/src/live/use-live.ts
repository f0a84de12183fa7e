import { useEffect, useRef, useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import type { LiveServerMessage } from '@linli/shared';
import { live as appLive, type LiveConnection } from './connection';

/** While the socket is down, pages look again this often. */
export const LIVE_POLL_MS = 15_000;
/** Notices arriving together (a routing batch, a burst of transitions) cause one refetch. */
const DEBOUNCE_MS = 250;

export interface LiveOptions {
  /** Which notices concern the page (default: every order notice; `resync` always does). */
  relevant?: (msg: Extract<LiveServerMessage, { orderId: number }>) => boolean;
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
    let debounce: ReturnType<typeof setTimeout> | null = null;
    // Refetch when the socket comes back after a drop (changes meanwhile were not announced);
    // not when it first opens: the page has just loaded, and a refetch then could land after
    // (and undo) an action the user took meanwhile.
    let wasReady = connection.isReady;
    let hadBeenReady = wasReady;
    const run = () => {
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => {
        debounce = null;
        void Promise.resolve(latest.current.refetch()).catch(() => undefined);
      }, DEBOUNCE_MS);
    };
    const unsubscribe = connection.subscribe(
      (msg) => {
        if (msg.type === 'resync') return run();
        if ('orderId' in msg && (latest.current.relevant?.(msg) ?? true)) run();
      },
      (isReady) => {
        setReady(isReady);
        if (isReady && !wasReady && hadBeenReady) run();
        if (isReady) hadBeenReady = true;
        wasReady = isReady;
      },
    );
    setReady(connection.isReady);
    return () => {
      unsubscribe();
      if (debounce) clearTimeout(debounce);
    };
  }, [enabled, shown, connection]);

  // The fallback: poll while the socket is not usable.
  useEffect(() => {
    if (!enabled || !shown || ready) return;
    const timer = setInterval(() => void Promise.resolve(latest.current.refetch()).catch(() => undefined), pollMs);
    return () => clearInterval(timer);
  }, [enabled, shown, ready, pollMs]);

  return { live: ready };
}

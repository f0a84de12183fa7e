/**
 * Live updates in the console (docs/api.md "Live updates"): the shared `LiveConnection` over the
 * browser's WebSocket, one for the app, and `useLive(refetch)` for pages that show orders. The
 * socket only says "this order changed"; the page refetches over REST.
 */
import { useEffect, useRef, useState } from 'react';
import { followLive, LiveConnection, liveUrlFor, type LiveOrderNotice, type LiveSocketLike } from '@linli/shared';
import { TOKEN_KEY } from '../auth/session';

function browserSocket(url: string): Promise<LiveSocketLike> {
  const ws = new WebSocket(url);
  return Promise.resolve({
    send: (text) => ws.send(text),
    close: (code) => ws.close(code),
    onOpen: (cb) => ws.addEventListener('open', () => cb()),
    onMessage: (cb) => ws.addEventListener('message', (e: MessageEvent) => cb(e.data)),
    onClose: (cb) => ws.addEventListener('close', (e: CloseEvent) => cb(e.code)),
  });
}

export const live = new LiveConnection(
  browserSocket,
  () => liveUrlFor('', window.location),
  () => localStorage.getItem(TOKEN_KEY),
);

/** While the socket is down, pages look again this often. */
const POLL_MS = 15_000;

/**
 * Keep a page current: `refetch` runs on a relevant change notice (default: any order notice),
 * on `resync`, once when the socket comes back after a drop, and every 15 s while it is down.
 */
export function useLive(refetch: () => unknown, relevant?: (msg: LiveOrderNotice) => boolean): void {
  const latest = useRef({ refetch, relevant });
  latest.current = { refetch, relevant };
  const [ready, setReady] = useState(live.isReady);

  useEffect(() => {
    return followLive(live, {
      refresh: () => void Promise.resolve(latest.current.refetch()).catch(() => undefined),
      relevant: () => latest.current.relevant,
      onReady: setReady,
    });
  }, []);

  useEffect(() => {
    if (ready) return;
    const timer = setInterval(() => void Promise.resolve(latest.current.refetch()).catch(() => undefined), POLL_MS);
    return () => clearInterval(timer);
  }, [ready]);
}

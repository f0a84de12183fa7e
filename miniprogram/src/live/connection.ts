/**
 * The mini-program's one live-updates socket (docs/api.md "Live updates"): the shared
 * `LiveConnection` (shared/src/live-client.ts: auth in the first message, pings, reconnect with
 * backoff) over Taro.connectSocket, which works in weapp and H5. The token goes in the first
 * message, never in the URL, so no access log holds it (WeChat could send a header, browsers
 * cannot, so both do the same).
 */
import Taro from '@tarojs/taro';
import { LiveConnection, liveUrlFor, type LiveSocketLike } from '@linli/shared';
import { appConfig } from '../services/config';
import { storage } from '../services/storage';

export { LiveConnection };

/** The socket URL: wss:// for an https API base, ws:// for http; the page's own host on H5. */
export function liveUrl(apiBase = appConfig.apiBase): string | null {
  return liveUrlFor(apiBase, typeof location === 'undefined' ? undefined : location);
}

type Task = Taro.SocketTask & { ws?: WebSocket };

/** A Taro socket task as the shared connection uses it. */
export async function taroSocket(url: string): Promise<LiveSocketLike> {
  const task = (await Taro.connectSocket({ url })) as Task;
  let serverCode: number | null = null;
  // H5: Taro's onClose reports 1006 whatever the server said; the browser's own event has the code.
  task.ws?.addEventListener?.('close', (e: CloseEvent) => (serverCode = e.code));
  const quiet = (p: unknown) => void Promise.resolve(p).catch(() => undefined);
  return {
    send: (text) => quiet(task.send({ data: text })),
    close: (code) => quiet(task.close({ code: code ?? 1000 })),
    onOpen: (cb) => task.onOpen(() => cb()),
    onMessage: (cb) => task.onMessage((res: { data: unknown }) => cb(res.data)),
    onClose: (cb) => {
      task.onError(() => undefined);
      task.onClose((res: { code: number }) => cb(serverCode ?? res.code));
    },
  };
}

/** A connection over Taro sockets (tests pass their own URL and token). */
export function taroLiveConnection(
  url: () => string | null = () => liveUrl(),
  token: () => string | null = () => storage.token(),
): LiveConnection {
  return new LiveConnection(taroSocket, url, token);
}

/** The app's connection. */
export const live = taroLiveConnection();

import Taro from '@tarojs/taro';
import { storage } from './storage';

/** How long 出发/到达 waits for the phone's position before going on without it. */
export const LOCATION_TIMEOUT_MS = 4000;

/**
 * The phone's position to send with 出发/到达 (docs/routing.md "Technician position"): only
 * when the technician turned on 上报位置 in the settings (off by default), and only what the
 * phone gives within a few seconds. Any refusal or failure sends no position: the action
 * itself never waits on it or fails because of it. GCJ-02, the datum of the map apps admins
 * copy building coordinates from.
 */
export async function positionForAction(): Promise<{ latitude: number; longitude: number } | null> {
  if (!storage.shareLocation()) return null;
  try {
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), LOCATION_TIMEOUT_MS));
    const read = Taro.getLocation({ type: 'gcj02' }).then((r) =>
      Number.isFinite(r.latitude) && Number.isFinite(r.longitude)
        ? { latitude: r.latitude, longitude: r.longitude }
        : null,
    );
    return await Promise.race([read, timeout]);
  } catch {
    return null;
  }
}

/** The staff mode's inspection rounds (巡检): list, detail, and the on-site actions. */
import type { InspectionRoundDetailView, InspectionRoundView, RoundActionsResponse } from '@linli/shared';
import { request, uploadPhoto } from './api';
import { storage } from './storage';
import Taro from '@tarojs/taro';
import { RoundQueue, wireAction, type QueuedAction, type QueueStore } from './round-queue';

export const inspectionsApi = {
  myRounds: () => request<InspectionRoundView[]>('GET', '/api/inspection-rounds', { query: { mine: '1' } }),
  round: (id: number) => request<InspectionRoundDetailView>('GET', `/api/inspection-rounds/${id}`),
  act: (id: number, actions: QueuedAction[]) =>
    request<RoundActionsResponse>('POST', `/api/inspection-rounds/${id}/actions`, {
      body: { actions: actions.map(wireAction) },
    }),
};

/** Taro storage, per signed-in user (a shared phone keeps each technician's queue apart). */
const taroStore: QueueStore = {
  get(key) {
    try {
      const v = Taro.getStorageSync(`${key}.${storage.user()?.id ?? 0}`) as QueuedAction[] | '';
      return Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  },
  set(key, value) {
    const k = `${key}.${storage.user()?.id ?? 0}`;
    try {
      if (value) Taro.setStorageSync(k, value);
      else Taro.removeStorageSync(k);
    } catch {
      // Storage full: the action stays in memory on the page only.
    }
  },
};

export const roundQueue = new RoundQueue(taroStore, {
  send: (id, actions) => inspectionsApi.act(id, actions),
  upload: async (path) => (await uploadPhoto(path)).id,
});

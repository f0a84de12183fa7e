import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { ACTION_LABELS, type WorkOrderAction, type WorkOrderDetailView, type TransitionInput } from '@linli/shared';
import { api, ApiError } from '../services/api';
import { textOf } from '../services/errors';
import type { Loaded } from './use-loader';

export type ActionExtra = Omit<TransitionInput, 'action' | 'version'>;

/**
 * An order page's actions: which one is running, the open dialog and the notice above the page.
 * Every action sends the version it saw; a 409 reloads the order and says why.
 */
export function useOrderActions<D extends string>(
  order: Loaded<WorkOrderDetailView>,
  options: {
    /** After an action went through (the order is already updated). */
    onDone?: (action: WorkOrderAction) => void;
    /** Also toast a failure other than a lost race. */
    toastErrors?: boolean;
  } = {},
) {
  const [busy, setBusy] = useState<WorkOrderAction | null>(null);
  const [dialog, setDialog] = useState<D | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);

  const act = async (action: WorkOrderAction, extra: ActionExtra = {}) => {
    const o = order.data;
    if (!o || busyRef.current) return;
    busyRef.current = true;
    setBusy(action);
    setNotice(null);
    try {
      order.setData(await api.transition(o.id, { action, version: o.version, ...extra }));
      setDialog(null);
      void Taro.showToast({ title: `已${ACTION_LABELS[action]}`, icon: 'success' });
      options.onDone?.(action);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setDialog(null);
        setNotice(`工单已被他人更新，已刷新为最新状态，请确认后再操作（${err.text}）`);
        void order.reload();
      } else {
        setNotice(textOf(err));
        if (options.toastErrors) void Taro.showToast({ title: textOf(err), icon: 'none', duration: 3000 });
      }
    } finally {
      busyRef.current = false;
      setBusy(null);
    }
  };

  /** The props every action sheet takes: busy while its action runs, and close. */
  const sheet = (action: D & WorkOrderAction) => ({ busy: busy === action, onCancel: () => setDialog(null) });

  return { busy, dialog, setDialog, notice, act, sheet };
}

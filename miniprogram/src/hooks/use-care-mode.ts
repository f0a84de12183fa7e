import { useCallback, useEffect, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { storage } from '../services/storage';

const EVENT = 'linli:careMode';

/** Care mode (适老化): remembered on the device; every mounted page follows a change at once. */
export function useCareMode(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(storage.careMode);

  useEffect(() => {
    const listener = (value: boolean) => setOn(value);
    Taro.eventCenter.on(EVENT, listener);
    return () => {
      Taro.eventCenter.off(EVENT, listener);
    };
  }, []);
  // A page kept in the stack re-reads it when it shows again.
  useDidShow(() => setOn(storage.careMode()));

  const set = useCallback((value: boolean) => {
    storage.setCareMode(value);
    Taro.eventCenter.trigger(EVENT, value);
  }, []);
  return [on, set];
}

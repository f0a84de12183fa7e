import { useState } from 'react';
import { Switch, View } from '@tarojs/components';
import { storage } from '../../services/storage';

/** Staff settings: 上报位置 (send the phone's position with 出发/到达), off by default. */
export function ShareLocationRow() {
  const [on, setOn] = useState(storage.shareLocation());
  const set = (value: boolean) => {
    storage.setShareLocation(value);
    setOn(value);
  };
  return (
    <View className="list-item" onClick={() => set(!on)} role="switch" aria-checked={on}>
      <View>
        <View className="large">上报位置</View>
        <View className="muted">点“出发”“到达”时附带手机位置，用于就近派单和预计上门时间；关闭则不上报</View>
      </View>
      <Switch checked={on} color="#0b3d91" onChange={(e) => set(e.detail.value)} aria-label="上报位置" />
    </View>
  );
}

import { Switch, View } from '@tarojs/components';
import { useCareMode } from '../../hooks/use-care-mode';

/** The 长辈模式 switch of a settings list (resident and staff settings). */
export function CareModeRow() {
  const [care, setCare] = useCareMode();
  return (
    <View className="list-item" onClick={() => setCare(!care)} role="switch" aria-checked={care}>
      <View>
        <View className="large">长辈模式（大字）</View>
        <View className="muted">字更大、颜色更清楚、按钮更大</View>
      </View>
      <Switch checked={care} color="#0b3d91" onChange={(e) => setCare(e.detail.value)} aria-label="长辈模式" />
    </View>
  );
}

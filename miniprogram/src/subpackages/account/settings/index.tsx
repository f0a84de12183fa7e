import Taro from '@tarojs/taro';
import { Switch, Text, View } from '@tarojs/components';
import { Screen } from '../../../components/screen';
import { useCareMode } from '../../../hooks/use-care-mode';
import { storage } from '../../../services/storage';
import './index.scss';

export default function SettingsPage() {
  const [care, setCare] = useCareMode();
  const user = storage.user();

  const logout = async () => {
    const res = await Taro.showModal({ title: '退出登录', content: '确定退出当前账号吗？', confirmText: '退出' });
    if (!res.confirm) return;
    storage.clearSession();
    await Taro.reLaunch({ url: '/pages/login/index' });
  };

  return (
    <Screen className="settings">
      {user && (
        <View className="card">
          <View className="large">{user.name || '住户'}</View>
          {user.phone && <View className="muted">{user.phone}</View>}
        </View>
      )}

      <View className="card">
        <View className="list-item" onClick={() => setCare(!care)} role="switch" aria-checked={care}>
          <View>
            <View className="large">长辈模式（大字）</View>
            <View className="muted">字更大、颜色更清楚、按钮更大</View>
          </View>
          <Switch checked={care} color="#0b3d91" onChange={(e) => setCare(e.detail.value)} aria-label="长辈模式" />
        </View>
        <View
          className="list-item"
          onClick={() => void Taro.navigateTo({ url: '/subpackages/account/bind/index' })}
          role="button"
        >
          <Text className="large">我的房屋</Text>
          <Text className="arrow">›</Text>
        </View>
        <View
          className="list-item"
          onClick={() => void Taro.navigateTo({ url: '/subpackages/account/prices/index' })}
          role="button"
        >
          <Text className="large">收费标准</Text>
          <Text className="arrow">›</Text>
        </View>
      </View>

      <View className="btn btn-block btn-danger" onClick={() => void logout()} role="button">
        退出登录
      </View>
    </Screen>
  );
}

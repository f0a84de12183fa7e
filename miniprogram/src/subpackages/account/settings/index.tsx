import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Screen } from '../../../components/screen';
import { CareModeRow } from '../../../components/care-mode-row';
import { storage } from '../../../services/storage';
import './index.scss';

export default function SettingsPage() {
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
        <CareModeRow />
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
          onClick={() => void Taro.navigateTo({ url: '/subpackages/account/household/index' })}
          role="button"
        >
          <Text className="large">家庭成员</Text>
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

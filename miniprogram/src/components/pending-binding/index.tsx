import { Text, View } from '@tarojs/components';
import type { HouseBindingView } from '@linli/shared';
import { callPhone, canDial } from '../../services/platform';
import './index.scss';

/** What happens to a binding waiting for review, and whom to call meanwhile. */
export function PendingNext({ binding }: { binding: HouseBindingView }) {
  const phone = binding.servicePhone ?? null;
  return (
    <View className="bind-next" role="note">
      <View>接下来：物业核对您的身份后会通过审核，结果会发到「消息」里，通过后即可一键报修。</View>
      <View className="row-between">
        <Text>{phone ? `着急报修或想加快审核，请拨打物业服务电话 ${phone}` : '着急报修请直接联系物业服务中心'}</Text>
        {phone && canDial(phone) && (
          <View className="btn btn-primary pending-call" onClick={() => callPhone(phone)} role="button">
            拨打物业电话
          </View>
        )}
      </View>
    </View>
  );
}

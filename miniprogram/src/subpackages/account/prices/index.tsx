import { View } from '@tarojs/components';
import { Screen } from '../../../components/screen';

/**
 * Placeholder: the server has no price-list API yet (PRODUCT.md: the community's price list is
 * visible before submitting). Nothing is made up here; the page says so.
 */
export default function PricesPage() {
  return (
    <Screen className="prices">
      <View className="card">
        <View className="card-title">收费标准</View>
        <View>小区的维修收费标准即将在这里公布。</View>
        <View className="gap" />
        <View className="muted">
          需要收费的维修，师傅会先在工单里给出分项报价（人工、材料），您同意后才会继续施工，最终费用不会超过您同意的报价。
        </View>
      </View>
    </Screen>
  );
}

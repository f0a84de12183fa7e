import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { Screen } from '../../../components/screen';
import { useLoader } from '../../../hooks/use-loader';
import { staffApi } from '../../../services/staff-api';
import { NavRow, OfficeHead, OPEN_COMPLAINT_STATUSES, useOfficeGuard } from '../common';

/** 客服工作台: file a phone report, work the follow-up calls and the complaints. */
export default function DeskHomePage() {
  const followUps = useLoader(() => staffApi.followUps('open'), []);
  const complaints = useLoader(
    () => staffApi.orders({ kind: 'complaint', status: OPEN_COMPLAINT_STATUSES, pageSize: 1 }),
    [],
  );
  const reload = () => Promise.all([followUps.reload(), complaints.reload()]);
  useOfficeGuard(['desk', 'supervisor', 'admin'], () => void reload());
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh());
  });
  const overdue = (followUps.data?.items ?? []).filter((f) => f.overdue).length;

  return (
    <Screen className="office">
      <OfficeHead title="客服工作台" />
      <View className="card">
        <NavRow label="电话报修" hint="替来电住户登记报修" url="/subpackages/office/new-order/index" />
        <NavRow
          label="回访"
          hint={overdue > 0 ? `${overdue} 条已超时` : '完工后的电话回访'}
          count={followUps.data?.total}
          url="/subpackages/office/follow-ups/index"
        />
        <NavRow
          label="投诉"
          hint="派人处理、答复、等待投诉人确认"
          count={complaints.data?.total}
          url="/subpackages/office/complaints/index"
        />
      </View>
      {(followUps.error || complaints.error) && (
        <View className="error-banner" role="alert">
          {followUps.error ?? complaints.error}
        </View>
      )}
    </Screen>
  );
}

import { Alert, Tabs } from 'antd';
import { useCurrentUser } from '../../auth/session';
import { FollowUpPolicy } from './FollowUpPolicy';
import { FeeSettings } from './FeeSettings';
import { PriceList } from './PriceList';
import { RoutingRules } from './RoutingRules';
import { SlaPolicies } from './SlaPolicies';

/**
 * Rules: routing, SLA targets and business hours, prices, follow-ups and the rating window. The
 * admin edits them all; a supervisor reads the price list and the follow-up policy (the APIs
 * they may read) and is told that routing and SLA rules are the admin's.
 */
export default function RulesPage() {
  const user = useCurrentUser();
  if (user.role !== 'admin') {
    return (
      <>
        <Alert
          data-testid="rules-read-only"
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title="只读：派单规则和时效策略由管理员维护；此处可查看收费标准与回访设置。"
        />
        <Tabs
          destroyOnHidden
          items={[
            {
              key: 'prices',
              label: '收费标准',
              children: (
                <>
                  <FeeSettings readOnly />
                  <PriceList readOnly />
                </>
              ),
            },
            { key: 'follow-up', label: '回访与评价', children: <FollowUpPolicy readOnly /> },
          ]}
        />
      </>
    );
  }
  return (
    <Tabs
      destroyOnHidden
      items={[
        { key: 'routing', label: '派单规则', children: <RoutingRules /> },
        { key: 'sla', label: '时效策略', children: <SlaPolicies /> },
        {
          key: 'prices',
          label: '收费标准',
          children: (
            <>
              <FeeSettings />
              <PriceList />
            </>
          ),
        },
        { key: 'follow-up', label: '回访与评价', children: <FollowUpPolicy /> },
      ]}
    />
  );
}

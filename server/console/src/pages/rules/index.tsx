import { Tabs } from 'antd';
import { FollowUpPolicy } from './FollowUpPolicy';
import { PriceList } from './PriceList';
import { RoutingRules } from './RoutingRules';
import { SlaPolicies } from './SlaPolicies';

/** Rules the admin sets: routing, SLA targets and business hours, prices, follow-ups and the rating window. */
export default function RulesPage() {
  return (
    <Tabs
      destroyOnHidden
      items={[
        { key: 'routing', label: '派单规则', children: <RoutingRules /> },
        { key: 'sla', label: '时效策略', children: <SlaPolicies /> },
        { key: 'prices', label: '收费标准', children: <PriceList /> },
        { key: 'follow-up', label: '回访与评价', children: <FollowUpPolicy /> },
      ]}
    />
  );
}

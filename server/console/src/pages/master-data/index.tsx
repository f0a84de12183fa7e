import { Space, Tabs } from 'antd';
import { useState } from 'react';
import { BindingsPanel } from './BindingsPanel';
import { ImportPanel } from './ImportPanel';
import { LeavePanel } from './LeavePanel';
import { PlacesPanel } from './PlacesPanel';
import { StaffPanel } from './StaffPanel';
import { TeamsPanel } from './TeamsPanel';

/** Master data: communities, houses and residents (import and browse), binding review, staff, teams, leave. */
export default function MasterDataPage() {
  // Bumped after an import so the browse tables reload.
  const [version, setVersion] = useState(0);
  return (
    <Tabs
      items={[
        {
          key: 'places',
          label: '小区与房屋',
          children: (
            <Space orientation="vertical" style={{ width: '100%' }} size="middle">
              <ImportPanel onImported={() => setVersion((v) => v + 1)} />
              <PlacesPanel version={version} />
            </Space>
          ),
        },
        { key: 'bindings', label: '绑定审核', children: <BindingsPanel /> },
        { key: 'staff', label: '员工', children: <StaffPanel /> },
        { key: 'teams', label: '班组', children: <TeamsPanel /> },
        { key: 'leave', label: '请假审批', children: <LeavePanel /> },
      ]}
    />
  );
}

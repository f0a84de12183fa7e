import { App, Button, Card, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client';
import { useServices } from '../../api/services';
import { useRequest } from '../../api/useRequest';

/**
 * A community's quote ceiling (docs/fees.md): quotes above it wait for a supervisor before the
 * resident sees them. Empty = no ceiling. Admins edit it (audited); others read it.
 */
export function FeeSettings({ readOnly = false }: { readOnly?: boolean }) {
  const services = useServices();
  const { message } = App.useApp();
  const communities = useRequest((s) => s.lookups.communities(), []);
  const [communityId, setCommunityId] = useState<number | null>(null);
  const [ceilingYuan, setCeilingYuan] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const current = useRequest(
    (s) => (communityId === null ? Promise.resolve(null) : s.billing.feeSettings(communityId)),
    [communityId],
  );
  useEffect(() => {
    if (communityId === null && communities.data?.length) setCommunityId(communities.data[0].id);
  }, [communities.data, communityId]);
  useEffect(() => {
    setCeilingYuan(current.data?.quoteCeilingFen == null ? null : current.data.quoteCeilingFen / 100);
  }, [current.data]);

  const save = async () => {
    if (communityId === null) return;
    setSaving(true);
    try {
      await services.billing.setFeeSettings(communityId, ceilingYuan === null ? null : Math.round(ceilingYuan * 100));
      void message.success('已保存');
      current.reload();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small" title="报价审核金额" data-testid="fee-settings">
      <Typography.Paragraph type="secondary">
        报价合计超过此金额时，须由主管审核通过后才发给住户确认；留空表示不需要审核。
      </Typography.Paragraph>
      <Form layout="inline">
        <Form.Item label="小区">
          <Select
            style={{ width: 200 }}
            value={communityId ?? undefined}
            onChange={setCommunityId}
            options={(communities.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            data-testid="fee-settings-community"
          />
        </Form.Item>
        <Form.Item label="审核金额（元）">
          <Space>
            <InputNumber
              min={0}
              max={1_000_000}
              precision={2}
              value={ceilingYuan}
              onChange={(v) => setCeilingYuan(v)}
              disabled={readOnly}
              placeholder="不需要审核"
              data-testid="fee-settings-ceiling"
            />
            {!readOnly && (
              <Button type="primary" loading={saving} onClick={() => void save()} data-testid="fee-settings-save">
                保存
              </Button>
            )}
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}

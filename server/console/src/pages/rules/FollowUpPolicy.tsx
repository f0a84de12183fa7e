import { FOLLOW_UP_POLICY_LABELS, FOLLOW_UP_POLICY_VALUES, type FollowUpPolicyView } from '@linli/shared';
import { Alert, App, Button, Card, Form, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client';
import { useRequest } from '../../api/useRequest';
import { useServices } from '../../api/services';
import { useScopeOptions } from './options';

interface PolicyForm {
  policy: FollowUpPolicyView['policy'];
  ratingWindowDays: number | null;
}

/** Per community: which completed orders get a follow-up call, and how long a rating may take. */
export function FollowUpPolicy({ readOnly = false }: { readOnly?: boolean }) {
  const { followUpPolicy } = useServices();
  const { message } = App.useApp();
  const scope = useScopeOptions();
  const [communityId, setCommunityId] = useState<number | undefined>();
  const effective = communityId ?? scope.communityOptions[0]?.value;
  const current = useRequest((s) => (effective ? s.followUpPolicy.get(effective) : null), [effective]);
  const [form] = Form.useForm<PolicyForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (current.data) {
      form.setFieldsValue({ policy: current.data.policy, ratingWindowDays: current.data.ratingWindowDays });
    }
  }, [current.data, form]);

  const save = async () => {
    const v = await form.validateFields();
    // The form is disabled until a community's policy has loaded.
    if (effective === undefined) return;
    setSaving(true);
    setError(null);
    try {
      await followUpPolicy.update(effective, {
        policy: v.policy,
        ratingWindowDays: v.ratingWindowDays ?? null,
      });
      void message.success('回访与评价设置已保存，对之后完成的工单生效');
      current.reload();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      title="回访与评价"
      extra={
        <Select
          style={{ width: 180 }}
          placeholder="选择小区"
          value={effective}
          onChange={setCommunityId}
          options={scope.communityOptions}
        />
      }
    >
      {(current.error ?? error) && (
        <Alert type="error" showIcon title={current.error ?? error} style={{ marginBottom: 12 }} />
      )}
      <Form form={form} layout="vertical" disabled={!current.data || readOnly} style={{ maxWidth: 560 }}>
        <Form.Item name="policy" label="回访范围">
          <Radio.Group>
            <Space orientation="vertical">
              {FOLLOW_UP_POLICY_VALUES.map((p) => (
                <Radio key={p} value={p}>
                  {FOLLOW_UP_POLICY_LABELS[p]}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="ratingWindowDays"
          label="评价期限（天）"
          extra={
            <Typography.Text type="secondary">
              工单完成后等待业主评价的天数，超时自动关闭并记为“未评价”。留空则使用系统默认（
              {current.data?.defaultRatingWindowDays ?? '—'} 天）。
            </Typography.Text>
          }
        >
          <InputNumber
            data-testid="rating-window"
            placeholder={String(current.data?.defaultRatingWindowDays ?? '')}
            style={{ width: 160 }}
          />
        </Form.Item>
        {!readOnly && (
          <Button type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        )}
      </Form>
    </Card>
  );
}

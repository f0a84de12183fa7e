import { PRIORITIES, PRIORITY_LABELS } from '@linli/shared';
import { Form, Select, Space, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useRequest } from '../../api/useRequest';

/** Pickers shared by the rule forms: the company's communities, categories and teams. */
export function useScopeOptions(withTeams = false) {
  const communities = useRequest((s) => s.lookups.communities(), []);
  const categories = useRequest((s) => s.lookups.categories(), []);
  const teams = useRequest((s) => (withTeams ? s.teams.list() : null), [withTeams]);
  const communityName = (id: number | null) =>
    id === null ? '全部小区' : (communities.data?.find((c) => c.id === id)?.name ?? `#${id}`);
  const categoryName = (code: string | null) =>
    code === null ? '全部类别' : (categories.data?.find((c) => c.code === code)?.name ?? code);
  const teamName = (id: number | null) =>
    id === null ? '不限' : (teams.data?.find((t) => t.id === id)?.name ?? `#${id}`);
  return {
    communityOptions: (communities.data ?? []).map((c) => ({ value: c.id, label: c.name })),
    categoryOptions: (categories.data ?? []).map((c) => ({ value: c.code, label: c.name })),
    teamOptions: (teams.data ?? []).map((t) => ({ value: t.id, label: t.name })),
    communityName,
    categoryName,
    teamName,
  };
}

export type ScopeOptions = ReturnType<typeof useScopeOptions>;

/** Priorities by their Chinese labels (紧急 … 计划), most urgent first. */
export const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }));

/** The scope of a rule form: community and category (empty = all), then the form's own items. */
export function ScopeFields({ scope, children }: { scope: ScopeOptions; children?: ReactNode }) {
  return (
    <Space wrap>
      <Form.Item name="communityId" label="小区">
        <Select allowClear placeholder="全部小区" style={{ width: 170 }} options={scope.communityOptions} />
      </Form.Item>
      <Form.Item name="category" label="类别">
        <Select allowClear placeholder="全部类别" style={{ width: 130 }} options={scope.categoryOptions} />
      </Form.Item>
      {children}
    </Space>
  );
}

/** The 启用 column of the rule tables. */
export const enabledTag = (v: boolean) => (v ? <Tag color="green">是</Tag> : <Tag>否</Tag>);

/** Minutes after midnight as HH:mm. */
export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** HH:mm as minutes after midnight (24:00 = 1440); NaN when malformed. */
export function parseHhmm(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

export const WEEKDAY_LABELS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

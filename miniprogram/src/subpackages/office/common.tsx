import { useEffect, useRef, useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  ASSIGN_WARNING_LABELS,
  assignWarnings,
  OPEN_STATUSES,
  skillLevel,
  type StaffView,
  type WorkOrderStatus,
  type WorkOrderView,
} from '@linli/shared';
import { StateView } from '../../components/state-view';
import { useLoader } from '../../hooks/use-loader';
import { homeFor, requireLogin } from '../../hooks/use-session';
import { api, ApiError } from '../../services/api';
import { textOf } from '../../services/errors';
import { categoryName } from '../../services/format';
import { staffApi } from '../../services/staff-api';
import { storage } from '../../services/storage';
import './common.scss';

export type OfficeRole = 'desk' | 'supervisor' | 'admin';
export const OFFICE_ROLES: readonly OfficeRole[] = ['desk', 'supervisor', 'admin'];

export const orderUrl = (id: number) => `/subpackages/office/order/index?id=${id}`;

/** Complaints still being handled; 待确认 = completed, waiting for the complainant; 已办结. */
export const OPEN_COMPLAINT_STATUSES: readonly WorkOrderStatus[] = OPEN_STATUSES;
export const WAITING_STATUSES: readonly WorkOrderStatus[] = ['completed'];
export const DONE_STATUSES: readonly WorkOrderStatus[] = ['closed', 'cancelled'];

/**
 * The office pages are for desk, supervisors and admins: without a session go to login, any
 * other role to its own home. Runs on every show (a logout elsewhere, a stale link).
 */
export function useOfficeGuard(roles: readonly OfficeRole[] = OFFICE_ROLES, onShowAgain?: () => void): void {
  const shown = useRef(false);
  const redirected = useRef(false);
  const wrongRole = (): boolean => {
    const role = storage.user()?.role;
    if (roles.includes(role as OfficeRole)) return false;
    if (!redirected.current) {
      redirected.current = true;
      void Taro.reLaunch({ url: storage.token() ? homeFor(role) : '/pages/login/index' });
    }
    return true;
  };
  useEffect(() => {
    wrongRole();
  }, []);
  useDidShow(() => {
    if (!requireLogin() || wrongRole()) return;
    if (shown.current) onShowAgain?.();
    shown.current = true;
  });
}

/** Page title with the signed-in name and the settings link (care mode, logout). */
export function OfficeHead({ title }: { title: string }) {
  const user = storage.user();
  return (
    <View className="row-between office-head">
      <View>
        <View className="title">{title}</View>
        {user?.name && <View className="muted">{user.name}</View>}
      </View>
      <View
        className="link-btn"
        onClick={() => void Taro.navigateTo({ url: '/subpackages/staff/settings/index' })}
        role="button"
      >
        设置
      </View>
    </View>
  );
}

/** A big navigation row with an optional count badge. */
export function NavRow({ label, hint, count, url }: { label: string; hint?: string; count?: number; url: string }) {
  return (
    <View
      className="list-item office-nav"
      onClick={() => void Taro.navigateTo({ url })}
      role="button"
      aria-label={label}
    >
      <View>
        <View className="large">{label}</View>
        {hint && <View className="muted">{hint}</View>}
      </View>
      <View className="row">
        {count !== undefined && count > 0 && <Text className="office-badge">{count}</Text>}
        <Text className="arrow">›</Text>
      </View>
    </View>
  );
}

const ASSIGN_REASONS = ['即将超时，改派', '原师傅请假', '原师傅手头工单太多', '住户要求换人'];

/** A candidate's skills for the picker: the order's category first (with its level), then the rest. */
export function skillsText(t: Pick<StaffView, 'skills'>, category?: string): string {
  const skills = (t.skills ?? []).filter((s) => s.level > 0);
  const first = category ? skills.filter((s) => s.category === category) : [];
  const rest = skills.filter((s) => s.category !== category);
  const text = [...first, ...rest].map((s) => `${categoryName(s.category)}${s.level}级`).join('、');
  return text || '未登记技能';
}

/**
 * Pick a technician serving the order's community and a reason: 派单 / 改派 for the desk and
 * supervisors. Each candidate shows their skills (the order's category first, with its level)
 * and load (在办 open/capacity), and warns on a missing skill, over capacity, off shift and
 * leave (shared assignWarnings). A warning never blocks and asks no second confirmation: it
 * is repeated above 确认 for the picked candidate (docs/routing.md "Manual assignment pickers").
 * `exclude` hides the current assignee and, on a complaint, the technician it is about.
 */
export function AssignSheet({
  title,
  communityId,
  category,
  exclude,
  busy,
  reasons = ASSIGN_REASONS,
  onCancel,
  onConfirm,
}: {
  title: string;
  communityId: number;
  /** The order's category: its skill level is shown and a missing skill warned about. */
  category?: string;
  /** Technicians not to offer: the current assignee, a complaint's subject. */
  exclude?: number | null | ReadonlyArray<number | null | undefined>;
  busy: boolean;
  reasons?: readonly string[];
  onCancel: () => void;
  onConfirm: (assigneeId: number, reason: string) => void;
}) {
  const techs = useLoader(() => staffApi.technicians(communityId), [communityId]);
  const [picked, setPicked] = useState<number | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const OTHER = '其他原因';
  const finalReason = reason === OTHER ? other.trim() : reason;
  const excluded = Array.isArray(exclude) ? exclude : [exclude];
  const list = (techs.data ?? []).filter((t) => !excluded.includes(t.id));
  // Without the order's category there is no skill to check.
  const warningsOf = (t: StaffView) =>
    assignWarnings({ ...t, skills: t.skills ?? [] }, category ?? '').filter(
      (w) => category !== undefined || w !== 'no_skill',
    );
  const pickedWarnings = (() => {
    const t = list.find((x) => x.id === picked);
    return t ? warningsOf(t).map((w) => ASSIGN_WARNING_LABELS[w]) : [];
  })();
  const ready = picked !== null && !!finalReason && !busy;
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet office-sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label={title}>
        <View className="title">{title}</View>
        <View className="section-title">选择师傅</View>
        {!techs.data ? (
          <StateView loading={techs.loading} error={techs.error} onRetry={() => void techs.reload()} />
        ) : list.length === 0 ? (
          <View className="muted">本小区没有其他师傅</View>
        ) : (
          list.map((t) => {
            const warnings = warningsOf(t);
            const level = category ? skillLevel({ ...t, skills: t.skills ?? [] }, category) : null;
            return (
              <View
                key={t.id}
                className={`office-option ${picked === t.id ? 'office-option-on' : ''}`}
                onClick={() => setPicked(t.id)}
                role="radio"
                aria-checked={picked === t.id}
                aria-label={t.name}
                data-testid="assign-candidate"
              >
                <View className="row-between">
                  <Text>
                    {t.name}
                    {level !== null ? ` · ${categoryName(category!)}${level}级` : ''}
                  </Text>
                  <Text className={warnings.includes('over_capacity') ? 'office-warn' : 'muted'}>
                    在办 {t.openOrders}/{t.capacity}
                  </Text>
                </View>
                <View className="muted">技能：{skillsText(t, category)}</View>
                {warnings.length > 0 && (
                  <View className="office-warn" data-testid="assign-warning">
                    {warnings.map((w) => ASSIGN_WARNING_LABELS[w]).join(' · ')}
                  </View>
                )}
              </View>
            );
          })
        )}
        <View className="section-title">原因</View>
        {[...reasons, OTHER].map((r) => (
          <View
            key={r}
            className={`office-option ${reason === r ? 'office-option-on' : ''}`}
            onClick={() => setReason(r)}
            role="radio"
            aria-checked={reason === r}
          >
            {r}
          </View>
        ))}
        {reason === OTHER && (
          <Textarea
            className="textarea"
            value={other}
            maxlength={200}
            placeholder="请写下原因"
            placeholderClass="placeholder"
            onInput={(e) => setOther(e.detail.value)}
            aria-label="原因"
          />
        )}
        {pickedWarnings.length > 0 && (
          <View className="office-warn" data-testid="assign-picked-warning">
            注意：该师傅{pickedWarnings.join('、')}，确认后仍会派单
          </View>
        )}
        <View className="office-sheet-actions">
          <View className="btn office-sheet-btn" onClick={onCancel} role="button">
            返回
          </View>
          <View
            className={`btn btn-primary office-sheet-btn ${ready ? '' : 'btn-disabled'}`}
            onClick={() => ready && onConfirm(picked!, finalReason!)}
            role="button"
            aria-disabled={!ready}
          >
            {busy ? '提交中…' : '确认'}
          </View>
        </View>
      </View>
    </View>
  );
}

/**
 * 派单 / 改派 from a list (desk workbench, supervisor board): the order whose AssignSheet is
 * open, one assign at a time, and the answer as a notice (已派给 / 已改派给, or why not: a 409
 * means someone else moved the order first). `afterwards` reloads the page's lists either way.
 */
export function useAssign(afterwards: () => void) {
  const [target, setTarget] = useState<WorkOrderView | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);
  /** Assign the order whose sheet is open. */
  const assign = async (assigneeId: number, reason: string) => {
    const o = target;
    if (!o || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setNotice(null);
    try {
      const next = await api.transition(o.id, { action: 'assign', version: o.version, assigneeId, reason });
      setTarget(null);
      setNotice(`已${o.assignee ? '改派' : '派'}给 ${next.assignee?.name ?? ''}`);
      void Taro.showToast({ title: o.assignee ? '已改派' : '已派单', icon: 'success' });
    } catch (err) {
      setTarget(null);
      setNotice(
        err instanceof ApiError && err.status === 409 ? `工单刚被他人处理，已刷新（${err.text}）` : textOf(err),
      );
    } finally {
      busyRef.current = false;
      setBusy(false);
      afterwards();
    }
  };
  return { target, open: setTarget, close: () => setTarget(null), busy, notice, assign };
}

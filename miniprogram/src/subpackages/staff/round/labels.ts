import type { InspectionRoundView, RoundStatus } from '@linli/shared';

export const ROUND_STATUS_TEXT: Record<RoundStatus, string> = {
  pending: '待巡检',
  in_progress: '巡检中',
  completed: '已完成',
  missed: '漏检',
};

export function roundTone(r: Pick<InspectionRoundView, 'status' | 'late'>): 'ok' | 'warn' | 'danger' | 'muted' {
  if (r.status === 'missed') return 'danger';
  if (r.late) return 'warn';
  return r.status === 'completed' ? 'ok' : 'muted';
}

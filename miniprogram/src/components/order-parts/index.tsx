import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import {
  ACTION_LABELS,
  STATUS_LABELS,
  TIMELINE_ACTION_LABELS,
  handoverText,
  noteText,
  type TimelineEventView,
  type WorkOrderAction,
} from '@linli/shared';
import type { Loaded } from '../../hooks/use-loader';
import { formatTime } from '../../services/format';
import { callPhone, canDial } from '../../services/platform';
import { Screen } from '../screen';
import { StateView } from '../state-view';
import { PhotoThumbs } from './photos';

export { PhotoThumbs } from './photos';

/** Pieces of an order page that the staff and office subpackages share. */

/** An order page before its order is there: loading, or the failure with 重试. */
export function OrderPending({ order }: { order: Pick<Loaded<unknown>, 'loading' | 'error' | 'reload'> }) {
  return (
    <Screen>
      <StateView loading={order.loading} error={order.error} onRetry={() => void order.reload()} />
    </Screen>
  );
}

/** One button of an order page's action card. */
export interface ActionItem {
  action: WorkOrderAction;
  /** btn-primary, btn-danger */
  tone?: string;
  /** Default: the action's name. */
  label?: ReactNode;
  onClick: () => void;
}

/**
 * The action card: a full-width button for each item the order allows now (greyed while an
 * action runs), or a line saying there is nothing to do.
 */
export function ActionCard({
  className = 'card',
  allowed,
  items,
  busy,
}: {
  className?: string;
  /** The order's `actions`. */
  allowed: readonly WorkOrderAction[];
  items: readonly ActionItem[];
  busy: boolean;
}) {
  const shown = items.filter((i) => allowed.includes(i.action));
  return (
    <View className={className}>
      {shown.map((i) => (
        <View
          key={i.action}
          className={`btn btn-block ${i.tone ?? ''} ${busy ? 'btn-disabled' : ''}`}
          onClick={i.onClick}
          role="button"
        >
          {i.label ?? ACTION_LABELS[i.action]}
        </View>
      ))}
      {!shown.length && <View className="muted">当前没有需要您处理的操作</View>}
    </View>
  );
}

/** A labelled detail row; with a phone that can be dialled, an 打电话 button. */
export function InfoRow({ label, phone, children }: { label: string; phone?: string | null; children: ReactNode }) {
  return (
    <View className="info-row">
      <Text className="info-key">{label}</Text>
      <Text>{children}</Text>
      {canDial(phone) && (
        <View className="link-btn" onClick={() => callPhone(phone!)} role="button">
          打电话
        </View>
      )}
    </View>
  );
}

/** The line's title: 催单 with how many times when urges were folded into one line. */
function eventTitle(e: TimelineEventView, createLabel?: string): string {
  if (e.action === 'create' && createLabel) return createLabel;
  if (e.action === 'assign' && e.handover?.from) return '改派';
  const label = TIMELINE_ACTION_LABELS[e.action];
  return e.action === 'urge' && (e.count ?? 1) > 1 ? `${label} ${e.count}次` : label;
}

/** The 进度 card: the order's events, newest first. */
export function OrderTimeline({
  timeline,
  itemClassName,
  titleClassName,
  createLabel,
}: {
  timeline: readonly TimelineEventView[];
  itemClassName: string;
  titleClassName?: string;
  /** What the order's first event is called (default 提交报修). */
  createLabel?: string;
}) {
  return (
    <View className="card">
      <View className="card-title">进度</View>
      {[...timeline].reverse().map((e) => (
        <View key={e.id} className={itemClassName}>
          <View className="row-between">
            <Text className={titleClassName}>{eventTitle(e, createLabel)}</Text>
            <Text className="muted">
              {e.action === 'urge' && (e.count ?? 1) > 1 ? '最近 ' : ''}
              {formatTime(e.at)}
            </Text>
          </View>
          <View className="muted">
            {e.actor.role === 'system' ? '系统' : e.actor.name}
            {e.to !== e.from ? ` · ${STATUS_LABELS[e.to]}` : ''}
          </View>
          {handoverText(e) ? (
            <View>
              {handoverText(e)}
              {e.note ? `（${e.note}）` : ''}
            </View>
          ) : (
            e.note && <View>{noteText(e.action, e.note)}</View>
          )}
          <PhotoThumbs photos={e.photos} label={e.action === 'complete' ? '完工照片' : '照片'} />
        </View>
      ))}
    </View>
  );
}

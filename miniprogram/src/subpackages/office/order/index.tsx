import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { KIND_LABELS, PRIORITY_LABELS, STATUS_LABELS, visitWindowText, type WorkOrderDetailView } from '@linli/shared';
import { useState } from 'react';
import { OrderFees, waiveBill } from '../../../components/order-fees';
import { ReasonSheet } from '../../../components/reason-sheet';
import { Screen } from '../../../components/screen';
// After the components it shares styles with, so the chunks keep one CSS order.
import { ActionCard, InfoRow, OrderPending, OrderTimeline, PhotoThumbs } from '../../../components/order-parts';
import { useOrder } from '../../../hooks/use-order';
import { useOrderActions } from '../../../hooks/use-order-actions';
import { textOf } from '../../../services/errors';
import { categoryName, isOpen, slaText, statusTone } from '../../../services/format';
import { AssignSheet, useOfficeGuard } from '../common';

const CANCEL_REASONS = ['住户已自行解决', '重复报修', '信息有误，已联系住户'];
const REOPEN_REASONS = ['住户反映没修好', '投诉人不认可处理结果'];

type Dialog = 'assign' | 'cancel' | 'reopen' | 'return_quote';

/**
 * An order as the desk and supervisors work it: details, the people (with a call button), the
 * timeline, and the office's actions from the state machine: 派单/改派 with a reason, 放入抢单池,
 * 取消, 返修. A complaint is answered by the person it is assigned to when they complete it; it
 * closes when the complainant confirms in their app.
 */
export default function OfficeOrderPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const { order, now } = useOrder(id);
  useOfficeGuard();
  const { busy, dialog, setDialog, notice, act, sheet } = useOrderActions<Dialog>(order);
  const [waiving, setWaiving] = useState<'open' | 'busy' | null>(null);
  const waive = async (reason: string) => {
    const o = order.data;
    if (!o?.bill) return;
    setWaiving('busy');
    try {
      await waiveBill(o.id, reason, o.bill.version);
      setWaiving(null);
      void Taro.showToast({ title: '已减免', icon: 'success' });
    } catch (err) {
      setWaiving('open');
      void Taro.showToast({ title: textOf(err), icon: 'none', duration: 3000 });
    } finally {
      void order.reload();
    }
  };

  const o: WorkOrderDetailView | undefined = order.data;
  if (!o) return <OrderPending order={order} />;
  const sla = isOpen(o.status) ? slaText(o.slaDueAt, now) : null;
  const complaint = o.kind === 'complaint';
  const answer = complaint ? [...o.timeline].reverse().find((e) => e.action === 'complete')?.note : null;

  return (
    <Screen className="office">
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}
      <View className="card">
        <View className="row-between">
          <Text className="title">{STATUS_LABELS[o.status]}</Text>
          <Text className={`pill pill-${statusTone(o.status)}`}>
            {KIND_LABELS[o.kind]} · {PRIORITY_LABELS[o.priority]}
          </Text>
        </View>
        {sla && <View className={sla.late ? 'office-danger' : 'muted'}>{sla.text}</View>}
        <View className="muted">工单号 {o.no}</View>
        {complaint && o.status === 'completed' && (
          <View className="office-warn" role="status">
            已答复，等待投诉人在小程序确认
          </View>
        )}
      </View>

      <ActionCard
        allowed={o.actions}
        busy={!!busy}
        items={[
          {
            action: 'assign',
            tone: 'btn-primary',
            label: o.assignee ? '改派' : '派单',
            onClick: () => setDialog('assign'),
          },
          { action: 'pool', onClick: () => void act('pool') },
          // A quote above the community's ceiling: the supervisor's review (docs/fees.md).
          {
            action: 'release_quote',
            tone: 'btn-primary',
            label: '报价审核通过',
            onClick: () => void act('release_quote'),
          },
          { action: 'return_quote', onClick: () => setDialog('return_quote') },
          { action: 'reopen', onClick: () => setDialog('reopen') },
          { action: 'cancel', tone: 'btn-danger', onClick: () => setDialog('cancel') },
        ]}
      />

      <OrderFees order={o} />
      {o.bill?.status === 'unpaid' && (
        <View className="card">
          <View className="btn btn-danger btn-block" onClick={() => setWaiving('open')} role="button">
            减免账单
          </View>
        </View>
      )}

      <View className="card">
        <View className="card-title">{complaint ? '投诉内容' : '报修内容'}</View>
        <InfoRow label="类别">{categoryName(o.category)}</InfoRow>
        <InfoRow label="地址">{o.location}</InfoRow>
        {o.reporter && (
          <InfoRow label={complaint ? '投诉人' : '报修人'} phone={o.reporter.phone}>
            {o.reporter.name} {o.reporter.phone ?? ''}
          </InfoRow>
        )}
        {o.about && <InfoRow label="被投诉师傅">{o.about.name}</InfoRow>}
        {o.visitWindow ? (
          <InfoRow label="上门时间">{visitWindowText(o.visitWindow, new Date(now))}</InfoRow>
        ) : (
          o.preferredTime && <InfoRow label="上门时间">{o.preferredTime}</InfoRow>
        )}
        <InfoRow label="处理人" phone={o.assignee?.phone}>
          {o.assignee ? `${o.assignee.name} ${o.assignee.phone ?? ''}` : '未派人'}
        </InfoRow>
        <View className="office-desc">{o.description}</View>
        <PhotoThumbs photos={o.photos} label="住户照片" />
        {answer && <InfoRow label="处理答复">{answer}</InfoRow>}
      </View>

      <OrderTimeline timeline={o.timeline} itemClassName="office-item" createLabel="提交" />

      {dialog === 'assign' && (
        <AssignSheet
          title={o.assignee ? '改派给' : '派给'}
          communityId={o.communityId}
          category={complaint ? undefined : o.category}
          exclude={[o.assignee?.id, o.about?.id]}
          reasons={complaint ? ['请师傅上门核实处理', '请主管跟进处理'] : undefined}
          {...sheet('assign')}
          onConfirm={(assigneeId, reason) => void act('assign', { assigneeId, reason })}
        />
      )}
      {dialog === 'cancel' && (
        <ReasonSheet
          title="为什么取消？"
          reasons={CANCEL_REASONS}
          confirmText="确认取消"
          danger
          {...sheet('cancel')}
          onConfirm={(reason) => void act('cancel', { reason })}
        />
      )}
      {dialog === 'return_quote' && (
        <ReasonSheet
          title="退回报价的原因"
          reasons={['请按收费标准报价', '标准外项目原因不充分', '请与住户沟通后重新报价']}
          confirmText="退回给师傅"
          {...sheet('return_quote')}
          onConfirm={(reason) => void act('return_quote', { reason })}
        />
      )}
      {waiving && (
        <ReasonSheet
          title="减免账单"
          note="减免后住户无需支付，工单可以关闭；减免会记入操作日志。"
          reasons={['维修质量问题，物业承担', '老旧设施，物业承担', '住户特殊困难']}
          confirmText="确认减免"
          danger
          busy={waiving === 'busy'}
          onCancel={() => setWaiving(null)}
          onConfirm={(reason) => void waive(reason)}
        />
      )}
      {dialog === 'reopen' && (
        <ReasonSheet
          title="为什么返修？"
          reasons={REOPEN_REASONS}
          confirmText="确认返修"
          {...sheet('reopen')}
          onConfirm={(reason) => void act('reopen', { reason })}
        />
      )}
    </Screen>
  );
}

import { useState } from 'react';
import { Text, Textarea, View } from '@tarojs/components';
import type { QuoteItem, TransitionInput } from '@linli/shared';
import { yuan } from '../../../../services/format';
import { PhotoField, usePhotoUploads } from '../../../../components/photo-field';
import { SheetButtons, type SheetProps } from './sheet-buttons';

/** What a completion says about fees (docs/fees.md): the bill of what was used, or a free repair. */
export type CompletionFee = Pick<TransitionInput, 'bill' | 'free'>;

/**
 * Complete with after photos; a complaint instead needs the written answer to the complainant.
 * After an approved quote the technician records what was actually used (quantities per quote
 * line, never more in total than the quote) or marks the repair free; without one they may
 * still mark it free (within the property fee).
 */
export function CompleteSheet({
  busy,
  complaint,
  quote,
  onCancel,
  onConfirm,
}: SheetProps<[number[], string, CompletionFee]> & {
  complaint: boolean;
  quote?: { items: QuoteItem[]; totalFen: number };
}) {
  const uploads = usePhotoUploads();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [free, setFree] = useState(false);
  const [used, setUsed] = useState<number[]>(() => quote?.items.map((i) => i.quantity) ?? []);
  const billFen = quote ? quote.items.reduce((sum, item, i) => sum + item.unitPriceFen * (used[i] ?? 0), 0) : 0;
  const setQuantity = (i: number, q: number) => setUsed((u) => u.map((x, j) => (j === i ? Math.max(0, q) : x)));
  const submit = () => {
    const blocker = uploads.blocker();
    if (blocker) return setError(blocker);
    const ids = uploads.ids();
    if (complaint && !note.trim()) return setError('请填写给住户的处理答复');
    if (!complaint && ids.length === 0) return setError('请至少拍一张完工照片');
    let fee: CompletionFee = free ? { free: true } : {};
    if (quote && !free) {
      if (billFen === 0) return setError('请填写实际使用的数量，或标记为免费维修');
      if (billFen > quote.totalFen) return setError('账单不能超过住户已同意的报价，如需增加请重新报价');
      fee = { bill: { lines: used.map((quantity, line) => ({ line, quantity })).filter((l) => l.quantity > 0) } };
    }
    setError(null);
    onConfirm(ids, note.trim(), fee);
  };
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="完工">
        <View className="title">{complaint ? '处理完毕' : '完工'}</View>
        <View className="section-title">{complaint ? '现场照片（选填）' : '完工照片（至少 1 张）'}</View>
        <PhotoField uploads={uploads} />
        <Textarea
          className="textarea"
          value={note}
          maxlength={500}
          placeholder={complaint ? '处理答复（住户可见，必填）' : '维修说明（选填）'}
          placeholderClass="placeholder"
          onInput={(e) => setNote(e.detail.value)}
          aria-label="维修说明"
        />
        {quote && !free && (
          <View className="staff-bill" aria-label="实际用料">
            <View className="section-title">实际使用（按已同意的报价，合计不超过 {yuan(quote.totalFen)}）</View>
            {quote.items.map((item, i) => (
              <View key={i} className="row-between staff-line" data-testid="bill-line">
                <Text className="staff-line-name">
                  {item.name} {yuan(item.unitPriceFen)}/{item.unit}
                </Text>
                <View className="staff-stepper">
                  <View
                    className="staff-step"
                    onClick={() => setQuantity(i, (used[i] ?? 0) - 1)}
                    role="button"
                    aria-label={`减少 ${item.name}`}
                  >
                    −
                  </View>
                  <Text className="staff-qty">{used[i] ?? 0}</Text>
                  <View
                    className="staff-step"
                    onClick={() => setQuantity(i, (used[i] ?? 0) + 1)}
                    role="button"
                    aria-label={`增加 ${item.name}`}
                  >
                    +
                  </View>
                </View>
              </View>
            ))}
            <View className={`row-between staff-total ${billFen > quote.totalFen ? 'staff-late' : ''}`}>
              <Text>账单合计</Text>
              <Text data-testid="bill-total">{yuan(billFen)}</Text>
            </View>
          </View>
        )}
        {!complaint && (
          <View
            className={`staff-free ${free ? 'staff-free-on' : ''}`}
            role="checkbox"
            aria-checked={free}
            onClick={() => setFree((f) => !f)}
          >
            {free ? '☑' : '☐'} 免费维修（物业费内，不收费）
          </View>
        )}
        {error && (
          <View className="staff-error" role="alert">
            {error}
          </View>
        )}
        <SheetButtons busy={busy} ready confirmText="确认完工" onCancel={onCancel} onConfirm={submit} />
      </View>
    </View>
  );
}

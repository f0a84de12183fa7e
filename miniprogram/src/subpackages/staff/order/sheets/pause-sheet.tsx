import { useState } from 'react';
import { Textarea, View } from '@tarojs/components';
import { PAUSE_REASON_LABELS, PAUSE_REASONS, type PauseReason } from '@linli/shared';
import { SheetButtons, type SheetProps } from './sheet-buttons';

/** Pause with a reason; 其他 needs a written one. */
export function PauseSheet({ busy, onCancel, onConfirm }: SheetProps<[PauseReason, string]>) {
  const [reason, setReason] = useState<PauseReason | null>(null);
  const [note, setNote] = useState('');
  const ready = !!reason && (reason !== 'other' || !!note.trim());
  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label="暂停原因">
        <View className="title">暂停原因</View>
        {PAUSE_REASONS.map((p) => (
          <View
            key={p}
            className={`staff-option ${reason === p ? 'staff-option-on' : ''}`}
            onClick={() => setReason(p)}
            role="radio"
            aria-checked={reason === p}
          >
            {PAUSE_REASON_LABELS[p]}
          </View>
        ))}
        {reason && (
          <Textarea
            className="textarea"
            value={note}
            maxlength={200}
            placeholder={reason === 'other' ? '请写下原因' : '备注（选填）'}
            placeholderClass="placeholder"
            onInput={(e) => setNote(e.detail.value)}
            aria-label="暂停备注"
          />
        )}
        <SheetButtons
          busy={busy}
          ready={ready}
          confirmText="确认暂停"
          onCancel={onCancel}
          onConfirm={() => onConfirm(reason!, note.trim())}
        />
      </View>
    </View>
  );
}

import { useState } from 'react';
import { Text, Textarea, View } from '@tarojs/components';
import './index.scss';

interface Props {
  title: string;
  reasons: readonly string[];
  confirmText: string;
  /** Destructive actions get a red confirm button. */
  danger?: boolean;
  busy?: boolean;
  /** What happens once confirmed, read before choosing (e.g. rejecting a quote). */
  note?: string;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}

/** Pick a reason (or type one) and confirm: for cancel and reopen, which need a reason. */
export function ReasonSheet({ title, reasons, confirmText, danger, busy, note, onCancel, onConfirm }: Props) {
  const [picked, setPicked] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const OTHER = '其他原因';
  const reason = picked === OTHER ? other.trim() : picked;

  return (
    <View className="sheet-mask" onClick={onCancel}>
      <View className="sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label={title}>
        <View className="title">{title}</View>
        {note && (
          <View className="muted reason-note" role="note">
            {note}
          </View>
        )}
        <View className="reason-list">
          {[...reasons, OTHER].map((r) => (
            <View
              key={r}
              className={`reason ${picked === r ? 'reason-on' : ''}`}
              onClick={() => setPicked(r)}
              role="radio"
              aria-checked={picked === r}
            >
              <Text>{r}</Text>
              {picked === r && <Text>✓</Text>}
            </View>
          ))}
        </View>
        {picked === OTHER && (
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
        <View className="reason-actions">
          <View className="btn reason-btn" onClick={onCancel} role="button">
            返回
          </View>
          <View
            className={`btn btn-primary reason-btn ${danger ? 'reason-danger' : ''} ${!reason || busy ? 'btn-disabled' : ''}`}
            onClick={() => reason && !busy && onConfirm(reason)}
            role="button"
            aria-disabled={!reason || busy}
          >
            {busy ? '提交中…' : confirmText}
          </View>
        </View>
      </View>
    </View>
  );
}

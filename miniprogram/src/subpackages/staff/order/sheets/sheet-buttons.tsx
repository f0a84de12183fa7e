import { View } from '@tarojs/components';

/** What every sheet of the staff order page takes: busy while the action runs, back, confirm. */
export interface SheetProps<A extends unknown[]> {
  busy: boolean;
  onCancel: () => void;
  onConfirm: (...args: A) => void;
}

/** 返回 and the confirm button, greyed until the sheet is ready or while the action runs. */
export function SheetButtons({
  busy,
  ready,
  confirmText,
  onCancel,
  onConfirm,
}: {
  busy: boolean;
  ready: boolean;
  confirmText: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <View className="staff-sheet-actions">
      <View className="btn staff-sheet-btn" onClick={onCancel} role="button">
        返回
      </View>
      <View
        className={`btn btn-primary staff-sheet-btn ${!ready || busy ? 'btn-disabled' : ''}`}
        onClick={() => ready && !busy && onConfirm()}
        role="button"
        aria-disabled={!ready || busy}
      >
        {busy ? '提交中…' : confirmText}
      </View>
    </View>
  );
}

import { useState } from 'react';
import { Textarea, View } from '@tarojs/components';
import { PhotoField, usePhotoUploads } from '../../../../components/photo-field';
import { SheetButtons, type SheetProps } from './sheet-buttons';

/** Complete with after photos; a complaint instead needs the written answer to the complainant. */
export function CompleteSheet({
  busy,
  complaint,
  onCancel,
  onConfirm,
}: SheetProps<[number[], string]> & { complaint: boolean }) {
  const uploads = usePhotoUploads();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const blocker = uploads.blocker();
    if (blocker) return setError(blocker);
    const ids = uploads.ids();
    if (complaint && !note.trim()) return setError('请填写给住户的处理答复');
    if (!complaint && ids.length === 0) return setError('请至少拍一张完工照片');
    setError(null);
    onConfirm(ids, note.trim());
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

import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import { api } from '../../services/api';
import './index.scss';

export const MAX_PHOTOS = 6;

export interface Photo {
  /** Local path (tempFilePath; a blob: URL on H5). */
  path: string;
  state: 'uploading' | 'done' | 'failed';
  id?: number;
}

export interface PhotoUploads {
  photos: Photo[];
  add: () => Promise<void>;
  retry: (path: string) => Promise<void>;
  remove: (path: string) => void;
  /** Ids of the uploaded photos, in order. */
  ids: () => number[];
  /** Why the form may not be sent yet (an upload running or failed), or null. */
  blocker: () => string | null;
}

/**
 * Photos of a form: each one uploads as soon as it is chosen (POST /api/uploads), so submitting
 * only sends the ids; a failed upload is retried by tapping it.
 */
export function usePhotoUploads(max = MAX_PHOTOS): PhotoUploads {
  const [photos, setPhotos] = useState<Photo[]>([]);

  const retry = async (path: string) => {
    setPhotos((ps) => ps.map((p) => (p.path === path ? { ...p, state: 'uploading' } : p)));
    try {
      const view = await api.uploadPhoto(path);
      setPhotos((ps) => ps.map((p) => (p.path === path ? { ...p, state: 'done', id: view.id } : p)));
    } catch {
      setPhotos((ps) => ps.map((p) => (p.path === path ? { ...p, state: 'failed' } : p)));
    }
  };

  const add = async () => {
    let paths: string[];
    try {
      const res = await Taro.chooseImage({
        count: max - photos.length,
        sizeType: ['compressed'],
        sourceType: ['camera', 'album'],
      });
      paths = res.tempFilePaths;
    } catch {
      return; // cancelled
    }
    const fresh = paths.filter((p) => !photos.some((x) => x.path === p)).slice(0, max - photos.length);
    setPhotos((ps) => [...ps, ...fresh.map((path) => ({ path, state: 'uploading' as const }))]);
    await Promise.all(fresh.map(retry));
  };

  const remove = (path: string) => setPhotos((ps) => ps.filter((p) => p.path !== path));
  const ids = () => photos.map((p) => p.id!).filter(Boolean);
  const blocker = () => {
    if (photos.some((p) => p.state === 'uploading')) return '照片还在上传，请稍候再提交';
    if (photos.some((p) => p.state === 'failed')) return '有照片上传失败：点照片重试，或删除后再提交';
    return null;
  };

  return { photos, add, retry, remove, ids, blocker };
}

/** The photo row of a form: thumbnails with their upload state, × to remove, + to add. */
export function PhotoField({ uploads, max = MAX_PHOTOS }: { uploads: PhotoUploads; max?: number }) {
  const { photos } = uploads;
  return (
    <View className="photos">
      {photos.map((p) => (
        <View key={p.path} className="photo">
          <Image
            className="photo-img"
            src={p.path}
            mode="aspectFill"
            onClick={() => p.state === 'failed' && void uploads.retry(p.path)}
          />
          {p.state !== 'done' && (
            <View className={`photo-state ${p.state === 'failed' ? 'photo-failed' : ''}`}>
              {p.state === 'uploading' ? '上传中' : '失败，点此重试'}
            </View>
          )}
          <View className="photo-remove" onClick={() => uploads.remove(p.path)} role="button" aria-label="删除照片">
            ×
          </View>
        </View>
      ))}
      {photos.length < max && (
        <View className="photo photo-add" onClick={() => void uploads.add()} role="button" aria-label="添加照片">
          <Text className="photo-plus">+</Text>
          <Text className="small">拍照/相册</Text>
        </View>
      )}
    </View>
  );
}

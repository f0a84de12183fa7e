import Taro from '@tarojs/taro';
import { Image, View } from '@tarojs/components';
import type { PhotoRef } from '@linli/shared';
import { resolveUrl } from '../../services/api';
import './photos.scss';

/**
 * Photos of an order (the resident's, or a technician's completion photos) as thumbnails from
 * their signed URLs; a tap opens the phone's full-screen preview of the row.
 */
export function PhotoThumbs({ photos, label }: { photos: readonly PhotoRef[]; label: string }) {
  if (!photos.length) return null;
  const urls = photos.map((p) => resolveUrl(p.url));
  return (
    <View className="order-photos" aria-label={label}>
      {urls.map((url, i) => (
        <View
          key={photos[i].id}
          className="order-photo"
          role="button"
          aria-label={`${label} ${i + 1}`}
          onClick={() => void Taro.previewImage({ urls, current: url })}
        >
          <Image className="order-photo-img" src={url} mode="aspectFill" />
        </View>
      ))}
    </View>
  );
}

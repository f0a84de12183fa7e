import { Text, View } from '@tarojs/components';
import './index.scss';

interface Props {
  loading?: boolean;
  error?: string | null;
  onRetry?: () => void;
  /** Shown when not loading, no error and `empty` is true. */
  empty?: boolean;
  emptyText?: string;
}

/** Loading, failure (with 重试) and empty states, the same on every page. */
export function StateView({ loading, error, onRetry, empty, emptyText }: Props) {
  if (error) {
    return (
      <View className="state-view" role="alert">
        <Text className="state-text">{error}</Text>
        {onRetry && (
          <View className="btn btn-primary state-retry" onClick={onRetry}>
            重试
          </View>
        )}
      </View>
    );
  }
  if (loading) {
    return (
      <View className="state-view">
        <Text className="state-text muted">加载中…</Text>
      </View>
    );
  }
  if (empty) {
    return (
      <View className="state-view">
        <Text className="state-text muted">{emptyText ?? '暂无内容'}</Text>
      </View>
    );
  }
  return null;
}

import type { PropsWithChildren } from 'react';
import { View } from '@tarojs/components';
import { useCareMode } from '../../hooks/use-care-mode';

/** The root of every page: carries the care-mode class that scales text and contrast. */
export function Screen({ children, className }: PropsWithChildren<{ className?: string }>) {
  const [care] = useCareMode();
  const classes = ['screen', care ? 'care' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <View className={classes} data-testid="screen">
      {children}
    </View>
  );
}

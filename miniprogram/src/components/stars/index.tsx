import { View } from '@tarojs/components';
import { SATISFACTION_SCALE_WORDS } from '@linli/shared';
import './index.scss';

interface Props {
  value: number;
  onChange: (stars: number) => void;
  /** The accessible name, e.g. 总体评价. */
  label: string;
  size?: 'large' | 'small';
}

/** 1-5 stars as separate large tap targets; 0 = not chosen yet. */
export function Stars({ value, onChange, label, size = 'large' }: Props) {
  return (
    <View className={`stars stars-${size}`} role="radiogroup" aria-label={label}>
      {[1, 2, 3, 4, 5].map((n) => (
        <View
          key={n}
          className={`star ${n <= value ? 'star-on' : ''}`}
          role="radio"
          aria-checked={n === value}
          aria-label={`${label} ${n} 星`}
          onClick={() => onChange(n)}
        >
          ★
        </View>
      ))}
      {value > 0 && <View className="stars-word">{SATISFACTION_SCALE_WORDS[value]}</View>}
    </View>
  );
}

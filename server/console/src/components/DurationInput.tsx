import { InputNumber, Select, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';

const UNITS = [
  { value: 1440, label: '天' },
  { value: 60, label: '小时' },
  { value: 1, label: '分钟' },
] as const;

/** The largest unit that shows `minutes` as a whole number (2880 → 2 天, 90 → 90 分钟). */
function unitFor(minutes: number | null | undefined): number {
  if (!minutes) return 60;
  return UNITS.find((u) => minutes % u.value === 0)?.value ?? 1;
}

export interface DurationInputProps {
  /** The form's value: minutes (what the API stores). */
  value?: number | null;
  onChange?: (minutes: number | null) => void;
  testId?: string;
}

/**
 * A duration entered in days, hours or minutes with its unit shown; the form keeps minutes.
 * A form control (value/onChange), so a Form.Item with its name and rules wraps it.
 */
export function DurationInput({ value, onChange, testId }: DurationInputProps) {
  const [unit, setUnit] = useState(() => unitFor(value));
  // A value set from outside (the form loading a row) picks its unit again; typing keeps it.
  const emitted = useRef<number | null | undefined>(value);
  useEffect(() => {
    if (value !== emitted.current) {
      emitted.current = value;
      setUnit(unitFor(value));
    }
  }, [value]);
  const emit = (minutes: number | null) => {
    emitted.current = minutes;
    onChange?.(minutes);
  };
  const shown = value === null || value === undefined ? null : Math.round((value / unit) * 100) / 100;
  return (
    <Space.Compact data-testid={testId}>
      <InputNumber<number>
        min={0}
        step={unit === 1 ? 5 : 1}
        style={{ width: 100 }}
        value={shown}
        onChange={(v) => emit(v === null ? null : Math.round(v * unit))}
      />
      <Select<number>
        style={{ width: 80 }}
        value={unit}
        options={UNITS.map((u) => ({ value: u.value, label: u.label }))}
        onChange={setUnit}
      />
    </Space.Compact>
  );
}

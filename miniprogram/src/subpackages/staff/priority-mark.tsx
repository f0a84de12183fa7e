import { Text } from '@tarojs/components';
import type { Priority } from '@linli/shared';
import './priority-mark.scss';

/** P1 red 紧急, P2 orange 加急; nothing for the others. */
export function PriorityMark({ priority }: { priority: Priority }) {
  if (priority === 'P1') return <Text className="prio prio-p1">紧急</Text>;
  if (priority === 'P2') return <Text className="prio prio-p2">加急</Text>;
  return null;
}

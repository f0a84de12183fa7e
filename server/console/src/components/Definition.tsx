import { QuestionCircleOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';
import type { ReactNode } from 'react';

/** A title with its definition on hover (every figure says what it is). */
export function Defined({ title, definition }: { title: ReactNode; definition: ReactNode }) {
  return (
    <Tooltip title={definition} styles={{ root: { maxWidth: 420 } }}>
      <span style={{ cursor: 'help' }} data-definition="">
        {title} <QuestionCircleOutlined style={{ color: '#8c8c8c', fontSize: 12 }} />
      </span>
    </Tooltip>
  );
}

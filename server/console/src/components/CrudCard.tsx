import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Modal,
  Popconfirm,
  Space,
  Table,
  type FormProps,
  type TableColumnsType,
  type TableProps,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { errorText } from '../api/client';
import type { CrudService } from '../api/services';
import { useRequest } from '../api/useRequest';

/** What to call things on one admin collection's card (Simplified Chinese). */
export interface CrudTexts<View> {
  /** The card's create button, e.g. 新增规则. */
  add: string;
  /** The dialog's title when creating, e.g. 新增派单规则. */
  addTitle: string;
  editTitle: string | ((row: View) => string);
  /** The delete confirmation, e.g. 删除这条规则？ */
  confirmDelete: string;
  /** The toast after a save; none when left out. */
  saved?: string;
}

export interface CrudCardProps<View extends { id: number }, Values, Input, ListQuery> {
  title: ReactNode;
  service: CrudService<View, Input, ListQuery>;
  /** The list's query (the price list's community; none for the others); `ready: false` waits for it. */
  query?: ListQuery;
  ready?: boolean;
  /** The table's columns; the edit and delete column is added last. */
  columns: TableColumnsType<View>;
  /** A row (or null for a new one) as the form's values, and the form's values as the body sent. */
  toForm: (row: View | null) => Partial<Values>;
  toInput: (values: Values) => Input;
  /**
   * The form's fields, rendered inside the dialog's Form: a component of the page that may
   * watch its own fields with `Form.useWatch(name, Form.useFormInstance())`.
   */
  fields: ReactNode;
  texts: CrudTexts<View>;
  /** Shown before the create button in the card's header (e.g. a community picker). */
  extra?: ReactNode;
  table?: Pick<TableProps<View>, 'pagination' | 'scroll'> & { fixedActions?: boolean };
  modalWidth?: number;
  requiredMark?: FormProps['requiredMark'];
  testIds?: { table?: string; add?: string; save?: string; edit?: (row: View) => string };
  /** The table only, without create, edit and delete (a supervisor reading an admin's collection). */
  readOnly?: boolean;
}

/**
 * One admin collection (routing rules, SLA policies, price items, teams): a card with the table,
 * a create button, edit and delete on each row, and the dialog with the form. Saving creates or
 * replaces (PUT) the row and reloads the table; a failed save keeps the dialog open with the
 * server's message, a failed delete shows it as a toast.
 */
export function CrudCard<View extends { id: number }, Values, Input, ListQuery = void>(
  props: CrudCardProps<View, Values, Input, ListQuery>,
) {
  const { service, query, ready = true, texts, testIds = {} } = props;
  const { message } = App.useApp();
  const rows = useRequest(() => (ready ? service.list(query as ListQuery) : null), [service, ready, query]);
  const [editing, setEditing] = useState<View | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<Values>();

  const open = (row: View | 'new') => {
    setEditing(row);
    setFormError(null);
    form.setFieldsValue(props.toForm(row === 'new' ? null : row));
  };

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setFormError(null);
    try {
      const body = props.toInput(values);
      if (editing === 'new') await service.create(body);
      else if (editing) await service.update(editing.id, body);
      if (texts.saved) void message.success(texts.saved);
      setEditing(null);
      rows.reload();
    } catch (e) {
      setFormError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (id: number) => {
    try {
      await service.remove(id);
      rows.reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const addButton = (
    <Button type="primary" onClick={() => open('new')} data-testid={testIds.add}>
      {texts.add}
    </Button>
  );
  const { fixedActions, ...tableProps } = props.table ?? {};
  const columns: TableColumnsType<View> = props.readOnly
    ? props.columns
    : [
        ...props.columns,
        {
          title: '操作',
          key: 'ops',
          width: 120,
          fixed: fixedActions ? 'right' : undefined,
          render: (_: unknown, row) => (
            <Space>
              <Button size="small" type="link" onClick={() => open(row)} data-testid={testIds.edit?.(row)}>
                编辑
              </Button>
              <Popconfirm title={texts.confirmDelete} onConfirm={() => void remove(row.id)}>
                <Button size="small" type="link" danger>
                  删除
                </Button>
              </Popconfirm>
            </Space>
          ),
        },
      ];
  const headerButton = props.readOnly ? null : addButton;
  const modalTitle =
    editing === 'new'
      ? texts.addTitle
      : typeof texts.editTitle === 'string'
        ? texts.editTitle
        : editing
          ? texts.editTitle(editing)
          : '';

  return (
    <Card
      size="small"
      title={props.title}
      extra={
        props.extra ? (
          <Space>
            {props.extra}
            {headerButton}
          </Space>
        ) : (
          headerButton
        )
      }
    >
      {rows.error && <Alert type="error" showIcon title={rows.error} style={{ marginBottom: 12 }} />}
      <Table<View>
        data-testid={testIds.table}
        size="small"
        rowKey="id"
        loading={rows.loading}
        dataSource={rows.data ?? []}
        pagination={false}
        {...tableProps}
        columns={columns}
      />
      <Modal
        title={modalTitle}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText="保存"
        okButtonProps={{ loading: saving, ...(testIds.save && { 'data-testid': testIds.save }) }}
        width={props.modalWidth}
        forceRender
      >
        <Form form={form} layout="vertical" requiredMark={props.requiredMark}>
          {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} />}
          {props.fields}
        </Form>
      </Modal>
    </Card>
  );
}

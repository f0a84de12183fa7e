import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  CSV_COLUMNS,
  IMPORT_MAX_BYTES,
  IMPORT_SHEETS,
  type ImportInvalidDetails,
  type ImportProblem,
  type ImportResult,
  type IssuedAccount,
} from '@linli/shared';
import { Alert, App, Button, Card, Checkbox, Descriptions, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../../api/client';
import { useServices } from '../../api/services';

/**
 * The new accounts' temporary passwords as a CSV the admin saves (made in the browser from the
 * import's one answer: the server cannot give them again).
 */
function downloadPasswords(accounts: IssuedAccount[]) {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = [['用户名', '姓名', '临时密码'], ...accounts.map((a) => [a.username, a.name, a.temporaryPassword])];
  const blob = new Blob(['\uFEFF' + lines.map((l) => l.map(quote).join(',')).join('\r\n')], {
    type: 'text/csv;charset=utf-8',
  });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = '新员工临时密码.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Import communities, houses, the resident registry and staff from the template; show the row-level report. */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const { masterData } = useServices();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const downloadTemplate = async () => {
    try {
      const { blob, filename } = await masterData.template();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename ?? '基础数据导入模板.xlsx';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setResult(null);
    setProblems(null);
    setError(null);
    try {
      const res = await masterData.import(file, dryRun);
      setResult(res);
      if (!res.dryRun) onImported();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'IMPORT_INVALID') {
        setProblems((e.details as ImportInvalidDetails).rows);
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title="导入小区、房屋、住户与员工">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          使用模板（.xlsx，工作表{' '}
          {Object.values(IMPORT_SHEETS)
            .map((s) => `“${s.name}”`)
            .join('、')}
          ）或 CSV（表头：{CSV_COLUMNS.join(',')}）。文件不超过 {IMPORT_MAX_BYTES / 1024 / 1024} MB。
          任一行有误时不会导入任何数据，并列出全部问题。
        </Typography.Paragraph>
        <Space wrap>
          <Button icon={<DownloadOutlined />} onClick={() => void downloadTemplate()}>
            下载模板
          </Button>
          <Upload
            accept=".xlsx,.csv"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              setResult(null);
              setProblems(null);
              setError(null);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          >
            <Button icon={<UploadOutlined />} data-testid="import-choose">
              选择文件
            </Button>
          </Upload>
          <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)}>
            仅校验，不导入
          </Checkbox>
          <Button
            type="primary"
            disabled={!file}
            loading={busy}
            onClick={() => void submit()}
            data-testid="import-submit"
          >
            {dryRun ? '校验' : '导入'}
          </Button>
        </Space>
        {error && <Alert type="error" showIcon title={error} />}
        {result && (
          <Alert
            data-testid="import-result"
            type="success"
            showIcon
            title={result.dryRun ? '校验通过，可以导入' : '导入成功'}
            description={
              <Descriptions size="small" column={5}>
                <Descriptions.Item label="小区">{result.communities}</Descriptions.Item>
                <Descriptions.Item label="楼栋">{result.buildings}</Descriptions.Item>
                <Descriptions.Item label="单元">{result.units}</Descriptions.Item>
                <Descriptions.Item label="房屋">{result.houses}</Descriptions.Item>
                <Descriptions.Item label="住户">{result.residents}</Descriptions.Item>
                <Descriptions.Item label="员工">{result.staff}</Descriptions.Item>
                <Descriptions.Item label="新建班组">{result.teams}</Descriptions.Item>
              </Descriptions>
            }
          />
        )}
        {result && result.accounts.length > 0 && (
          <>
            <Alert
              type="warning"
              showIcon
              title="新员工的临时密码只显示这一次，离开本页后无法再次查看。请下载或记下后转告员工，首次登录须设置自己的密码。"
              action={
                <Button size="small" onClick={() => downloadPasswords(result.accounts)} data-testid="import-passwords">
                  下载临时密码
                </Button>
              }
            />
            <Table<IssuedAccount>
              data-testid="import-accounts"
              size="small"
              rowKey="userId"
              dataSource={result.accounts}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              columns={[
                { title: '用户名', dataIndex: 'username' },
                { title: '姓名', dataIndex: 'name' },
                {
                  title: '临时密码',
                  dataIndex: 'temporaryPassword',
                  render: (p: string) => (
                    <Typography.Text code copyable>
                      {p}
                    </Typography.Text>
                  ),
                },
              ]}
            />
          </>
        )}
        {problems && (
          <>
            <Alert
              type="error"
              showIcon
              title={`文件有 ${problems.length} 处问题，未导入任何数据。请修改后重新上传。`}
            />
            <Table<ImportProblem>
              data-testid="import-report"
              size="small"
              rowKey={(p) => `${p.sheet}-${p.row}-${p.column}-${p.problem}`}
              dataSource={problems}
              pagination={{ pageSize: 10, showSizeChanger: false, showTotal: (t) => `共 ${t} 处` }}
              columns={[
                { title: '工作表', dataIndex: 'sheet', width: 100, render: (s: string) => s || '—' },
                { title: '行', dataIndex: 'row', width: 70, render: (r: number) => r || '—' },
                { title: '列', dataIndex: 'column', width: 120, render: (c: string) => c || '—' },
                { title: '问题', dataIndex: 'problem' },
              ]}
            />
          </>
        )}
      </Space>
    </Card>
  );
}

import { useEffect, useState } from 'react';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  ERROR_CATALOGUE,
  formatChinaDateTime,
  isErrorCode,
  pointCodeOf,
  type ChecklistItem,
  type CheckResult,
  type InspectionRoundDetailView,
  type RoundPointView,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { requireLogin } from '../../../hooks/use-session';
import { ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { inspectionsApi, roundQueue } from '../../../services/inspections-api';
import { isWeapp } from '../../../services/platform';
import { overlay } from '../../../services/round-queue';
import { ROUND_STATUS_TEXT, roundTone } from './labels';
import './index.scss';

const refusedText = (code: string) => (isErrorCode(code) ? ERROR_CATALOGUE[code].zh : '提交失败');

/**
 * One round on site, point by point: scan the point's code (Taro.scanCode; in the H5 preview,
 * type the code printed under the QR), tick each item 正常/异常 (a photo where the item asks for
 * one). Everything is kept on the phone first and sent at once when there is signal, later
 * when there is not (docs/inspections.md "Offline").
 */
export default function RoundPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const loaded = useLoader(() => inspectionsApi.round(id), [id]);
  const [server, setServer] = useState<InspectionRoundDetailView | null>(null);
  const [version, setVersion] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const [offline, setOffline] = useState(false);
  const [typed, setTyped] = useState<Record<number, string>>({});
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (loaded.data) setServer(loaded.data);
  }, [loaded.data]);
  useDidShow(() => {
    requireLogin();
  });

  /** Send what is queued; offline keeps it for later. */
  const sync = async () => {
    if (syncing) return;
    setSyncing(true);
    try {
      const round = await roundQueue.flush(id);
      if (round) setServer(round);
      setOffline(false);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NETWORK_ERROR') setOffline(true);
      else setNotice(textOf(err));
    } finally {
      setSyncing(false);
      setVersion((v) => v + 1);
    }
  };

  // Try again every 20 s while something waits for signal.
  useEffect(() => {
    const timer = setInterval(() => {
      if (roundQueue.pending(id).length) void sync();
    }, 20000);
    return () => clearInterval(timer);
  }, [id]);

  const queued = roundQueue.all(id);
  const round = server ? overlay(server, queued) : null;
  void version;

  const scanned = async (point: RoundPointView, text: string) => {
    setNotice(null);
    const code = pointCodeOf(text);
    if (!code) {
      setNotice('没有识别出巡检点编码，请重试');
      return;
    }
    roundQueue.add(id, { type: 'scan', pointId: point.pointId, code });
    setVersion((v) => v + 1);
    await sync();
  };

  const scan = async (point: RoundPointView) => {
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      await scanned(point, res.path ? decodeURIComponent(res.path) : res.result);
    } catch {
      // Cancelled: nothing to do.
    }
  };

  const tick = async (point: RoundPointView, item: ChecklistItem, result: CheckResult) => {
    setNotice(null);
    let photoPath: string | undefined;
    if (item.photoRequired) {
      try {
        const res = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['camera', 'album'] });
        photoPath = res.tempFilePaths[0];
      } catch {
        setNotice('该检查项需要拍照');
        return;
      }
    }
    const note = notes[`${point.pointId}:${item.key}`]?.trim();
    roundQueue.add(id, {
      type: 'check',
      pointId: point.pointId,
      itemKey: item.key,
      result,
      note: note || undefined,
      photoPath,
    });
    setVersion((v) => v + 1);
    await sync();
  };

  if (!round)
    return (
      <Screen>
        <StateView loading={loaded.loading} error={loaded.error} onRetry={() => void loaded.reload()} />
      </Screen>
    );
  const pending = queued.filter((a) => !a.refused).length;
  const refused = queued.filter((a) => a.refused);

  return (
    <Screen className="round">
      <View className="row-between">
        <Text className="title">{round.planName}</Text>
        <Text className={`pill pill-${roundTone(round)}`} data-testid="round-status">
          {ROUND_STATUS_TEXT[round.status]}
        </Text>
      </View>
      <View className="muted">
        {round.communityName} · {formatChinaDateTime(new Date(round.windowStart))}-
        {formatChinaDateTime(new Date(round.windowEnd)).slice(11)}
      </View>
      {(pending > 0 || offline) && (
        <View className="card round-sync" role="status" data-testid="round-sync">
          <Text>{offline ? `无网络，${pending} 条记录已保存在手机上，有信号后自动上传` : `待同步 ${pending} 条`}</Text>
          <View className={`btn ${syncing ? 'btn-disabled' : ''}`} role="button" onClick={() => void sync()}>
            {syncing ? '同步中…' : '立即同步'}
          </View>
        </View>
      )}
      {refused.length > 0 && (
        <View className="error-banner" role="alert">
          {refused.map((a) => (
            <View key={a.clientKey}>{refusedText(a.refused!)}</View>
          ))}
          <View
            className="link-btn"
            role="button"
            onClick={() => {
              roundQueue.dismissRefused(id);
              setVersion((v) => v + 1);
            }}
          >
            知道了
          </View>
        </View>
      )}
      {notice && (
        <View className="error-banner" role="alert">
          {notice}
        </View>
      )}
      {round.points.map((p) => {
        const done = round.status === 'completed';
        return (
          <View key={p.pointId} className="card round-point" data-testid="round-point" aria-label={`点位 ${p.name}`}>
            <View className="row-between">
              <Text className="card-title">
                {p.seq}. {p.name}
              </Text>
              {p.scannedAt ? (
                <Text className="pill pill-ok">已到位 {formatChinaDateTime(new Date(p.scannedAt)).slice(11)}</Text>
              ) : (
                <Text className="pill pill-muted">未扫码</Text>
              )}
            </View>
            {!p.scannedAt &&
              !done &&
              (isWeapp ? (
                <View className="btn btn-primary btn-block" role="button" onClick={() => void scan(p)}>
                  扫码到位
                </View>
              ) : (
                <View className="row round-code">
                  <Input
                    className="input round-code-input"
                    value={typed[p.pointId] ?? ''}
                    placeholder="输入二维码下方的点位编码"
                    placeholderClass="placeholder"
                    onInput={(e) => setTyped({ ...typed, [p.pointId]: e.detail.value })}
                    aria-label={`${p.name} 点位编码`}
                  />
                  <View
                    className="btn btn-primary"
                    role="button"
                    onClick={() => void scanned(p, typed[p.pointId] ?? '')}
                  >
                    确认到位
                  </View>
                </View>
              ))}
            {p.checklist.map((item) => {
              const c = p.checks.find((x) => x.itemKey === item.key);
              const key = `${p.pointId}:${item.key}`;
              return (
                <View key={item.key} className="round-item" data-testid="round-item-row">
                  <View className="row-between">
                    <Text>
                      {item.label}
                      {item.photoRequired ? '（需拍照）' : ''}
                    </Text>
                    {c && (
                      <Text className={`pill pill-${c.result === 'ok' ? 'ok' : 'danger'}`}>
                        {c.result === 'ok' ? '正常' : c.workOrderId ? '异常·已报修' : '异常'}
                      </Text>
                    )}
                  </View>
                  {!c && p.scannedAt && !done && (
                    <>
                      <Input
                        className="input"
                        value={notes[key] ?? ''}
                        placeholder="异常说明（选填）"
                        placeholderClass="placeholder"
                        onInput={(e) => setNotes({ ...notes, [key]: e.detail.value })}
                        aria-label={`${item.label} 异常说明`}
                      />
                      <View className="row">
                        <View
                          className="btn btn-primary"
                          role="button"
                          aria-label={`${item.label} 正常`}
                          onClick={() => void tick(p, item, 'ok')}
                        >
                          正常
                        </View>
                        <View
                          className="btn btn-danger"
                          role="button"
                          aria-label={`${item.label} 异常`}
                          onClick={() => void tick(p, item, 'abnormal')}
                        >
                          异常并报修
                        </View>
                      </View>
                    </>
                  )}
                </View>
              );
            })}
          </View>
        );
      })}
    </Screen>
  );
}

import { useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  ACSI_ITEM_LABELS,
  ACSI_ITEMS,
  SATISFACTION_SCALE_WORDS,
  SERVPERF_DIMENSIONS,
  SURVEY_DIMENSION_LABELS,
  type AcsiItem,
  type ServperfDimension,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { Stars } from '../../../components/stars';
import { StateView } from '../../../components/state-view';
import { useLoader } from '../../../hooks/use-loader';
import { useRequireLogin } from '../../../hooks/use-session';
import { api, ApiError } from '../../../services/api';
import { textOf } from '../../../services/errors';
import './index.scss';

/** The ACSI items as questions a resident understands. */
const ACSI_QUESTIONS: Record<AcsiItem, string> = {
  overall: '总体来说，您对小区物业服务的满意程度',
  expectation: '物业服务符合您预期的程度',
  ideal: '和您心中理想的物业服务相比',
};
const NPS_LABEL = '推荐意愿';
const NPS_QUESTION = '您有多大可能向亲友推荐本小区的物业服务';
/** The two ends of each ACSI item's 1-10 scale, in the words of its question. */
const ACSI_ENDS: Record<AcsiItem, [string, string]> = {
  overall: ['非常不满意', '非常满意'],
  expectation: ['远低于预期', '完全符合预期'],
  ideal: ['差距很大', '非常接近理想'],
};
/** What each service dimension asks about (the names are SURVEY_DIMENSION_LABELS, not SERVPERF's jargon). */
const DIMENSION_HINTS: Record<ServperfDimension, string> = {
  tangibles: '小区设施、环境卫生和员工仪容',
  reliability: '答应的事按时做到、一次做好',
  responsiveness: '有事找物业，回应快、处理快',
  assurance: '员工专业可靠，让人放心',
  empathy: '体谅住户难处，主动关心',
};

/** A row of tappable numbers min..max (large targets, wrapping); null = not chosen yet. */
function ScoreRow(props: {
  min: number;
  max: number;
  value: number | null;
  onChange: (n: number) => void;
  label: string;
  low: string;
  high: string;
}) {
  const { min, max, value, onChange, label, low, high } = props;
  const count = max - min + 1;
  return (
    <View>
      <View className={`scores scores-${count}`} role="radiogroup" aria-label={label}>
        {Array.from({ length: count }, (_, i) => min + i).map((n) => (
          <View
            key={n}
            className={`score ${value === n ? 'score-on' : ''}`}
            onClick={() => onChange(n)}
            role="radio"
            aria-checked={value === n}
            aria-label={`${label} ${n} 分`}
          >
            {n}
          </View>
        ))}
      </View>
      <View className="survey-ends small muted">
        <Text>
          {min} = {low}
        </Text>
        <Text>
          {max} = {high}
        </Text>
      </View>
    </View>
  );
}

type Acsi = Partial<Record<AcsiItem, number>>;
type Servperf = Partial<Record<ServperfDimension, number>>;

/**
 * The community survey: three ACSI items (1-10), NPS (0-10), five SERVPERF dimensions (1-5
 * stars, named in plain words) and an optional comment. 提交 stays disabled, naming what is missing, until every
 * required answer is given; a failed submit keeps the answers for a retry.
 */
export default function SurveyPage() {
  useRequireLogin();
  const { params } = useRouter();
  const id = Number(params.id);
  const data = useLoader(() => Promise.all([api.surveys(), api.myHouses()]), []);
  const [acsi, setAcsi] = useState<Acsi>({});
  const [npsScore, setNps] = useState<number | null>(null);
  const [servperf, setServperf] = useState<Servperf>({});
  const [comment, setComment] = useState('');
  const [houseId, setHouseId] = useState<number | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const busyRef = useRef(false);

  const goHome = () => {
    Taro.navigateBack().catch(() => Taro.reLaunch({ url: '/pages/home/index' }));
  };

  if (data.loading && !data.data) {
    return (
      <Screen className="survey">
        <StateView loading />
      </Screen>
    );
  }
  if (data.error && !data.data) {
    return (
      <Screen className="survey">
        <StateView error={data.error} onRetry={() => void data.reload()} />
      </Screen>
    );
  }

  const [surveys, houses] = data.data!;
  // Without an id (a survey message, a subscribe message): the open survey not yet answered, else the first.
  const survey = params.id ? surveys.find((s) => s.id === id) : (surveys.find((s) => !s.answered) ?? surveys[0]);
  const mine = houses.filter((h) => h.status === 'verified' && h.communityId === survey?.communityId);
  const house = mine.find((h) => h.houseId === houseId) ?? mine[0];

  if (done || survey?.answered) {
    return (
      <Screen className="survey">
        <View className="card survey-done" role="status">
          <View className="survey-done-mark">✓</View>
          <View className="survey-done-badge">已提交</View>
          <View className="title">感谢您的参与！</View>
          <View className="muted survey-intro">
            {survey ? `${survey.title}每人只能提交一次。` : ''}您的意见将帮助物业改进服务。
          </View>
          <View className="btn btn-primary btn-block survey-submit" onClick={goHome} role="button">
            返回首页
          </View>
        </View>
      </Screen>
    );
  }
  if (!survey || !house) {
    return (
      <Screen className="survey">
        <StateView empty emptyText="这项调查已结束或您暂时无法参与" />
      </Screen>
    );
  }

  const missing = [
    ...ACSI_ITEMS.filter((k) => !acsi[k]).map((k) => ACSI_ITEM_LABELS[k]),
    ...(npsScore === null ? [NPS_LABEL] : []),
    ...SERVPERF_DIMENSIONS.filter((d) => !servperf[d]).map((d) => SURVEY_DIMENSION_LABELS[d]),
  ];
  const disabled = missing.length > 0 || submitting;

  const submit = async () => {
    if (busyRef.current || missing.length > 0) return;
    busyRef.current = true;
    setSubmitting(true);
    setError(null);
    const text = comment.trim();
    try {
      await api.answerSurvey(survey.id, {
        houseId: house.houseId,
        overall: acsi.overall!,
        expectation: acsi.expectation!,
        ideal: acsi.ideal!,
        nps: npsScore!,
        servperf: Object.fromEntries(SERVPERF_DIMENSIONS.map((d) => [d, servperf[d]!])) as Record<
          ServperfDimension,
          number
        >,
        ...(text ? { comment: text } : {}),
      });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SURVEY_ALREADY_ANSWERED') {
        // A retry after a lost answer (or an answer from another phone) finds it already saved.
        setDone(true);
      } else if (err instanceof ApiError && err.code === 'TRANSITION_NOT_ALLOWED') {
        setError('这项调查已结束，无法再提交');
      } else {
        setError(textOf(err));
      }
    } finally {
      busyRef.current = false;
      setSubmitting(false);
    }
  };

  return (
    <Screen className="survey">
      <View className="card">
        <View className="title">{survey.title}</View>
        <View className="muted survey-intro">{survey.communityName} · 约 1 分钟，匿名统计，带「*」的为必答题</View>
        {mine.length > 1 && (
          <View className="choices survey-intro" role="radiogroup" aria-label="房屋">
            {mine.map((h) => (
              <View
                key={h.houseId}
                className={`choice ${house.houseId === h.houseId ? 'choice-on' : ''}`}
                onClick={() => setHouseId(h.houseId)}
                role="radio"
                aria-checked={house.houseId === h.houseId}
              >
                {h.houseLabel}
              </View>
            ))}
          </View>
        )}
      </View>

      <View className="card">
        <View className="card-title">满意度（1-10 分）</View>
        {ACSI_ITEMS.map((k) => (
          <View key={k} className="survey-q">
            <View className="survey-q-label">* {ACSI_QUESTIONS[k]}</View>
            <ScoreRow
              min={1}
              max={10}
              value={acsi[k] ?? null}
              onChange={(n) => setAcsi((a) => ({ ...a, [k]: n }))}
              label={ACSI_ITEM_LABELS[k]}
              low={ACSI_ENDS[k][0]}
              high={ACSI_ENDS[k][1]}
            />
          </View>
        ))}
      </View>

      <View className="card">
        <View className="card-title">推荐（0-10 分）</View>
        <View className="survey-q">
          <View className="survey-q-label">* {NPS_QUESTION}</View>
          <ScoreRow
            min={0}
            max={10}
            value={npsScore}
            onChange={setNps}
            label={NPS_LABEL}
            low="不可能"
            high="非常可能"
          />
        </View>
      </View>

      <View className="card">
        <View className="card-title">
          服务评价（1-5 星，1 星 = {SATISFACTION_SCALE_WORDS[1]}，5 星 = {SATISFACTION_SCALE_WORDS[5]}）
        </View>
        {SERVPERF_DIMENSIONS.map((d) => (
          <View key={d} className="survey-dim">
            <View className="survey-q-label">
              * {SURVEY_DIMENSION_LABELS[d]}：{DIMENSION_HINTS[d]}
            </View>
            <Stars
              value={servperf[d] ?? 0}
              label={SURVEY_DIMENSION_LABELS[d]}
              onChange={(n) => setServperf((x) => ({ ...x, [d]: n }))}
            />
          </View>
        ))}
      </View>

      <View className="card">
        <View className="card-title">其他意见（可不填）</View>
        <Textarea
          className="textarea"
          value={comment}
          maxlength={500}
          placeholder="对物业还有什么想说的"
          placeholderClass="placeholder"
          onInput={(e) => setComment(e.detail.value)}
          aria-label="其他意见"
        />
      </View>

      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}
      {missing.length > 0 && <View className="survey-missing">还需回答：{missing.join('、')}</View>}
      <View
        className={`btn btn-primary btn-block survey-submit ${disabled ? 'btn-disabled' : ''}`}
        onClick={() => void submit()}
        role="button"
        aria-disabled={disabled}
      >
        {submitting ? '提交中…' : error ? '重新提交' : '提交'}
      </View>
    </Screen>
  );
}

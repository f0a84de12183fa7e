import { useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import { Screen } from '../../../components/screen';
import { Stars } from '../../../components/stars';
import { api } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { requestSubscriptions } from '../../../services/platform';
import {
  DIMENSION_LABELS,
  NEGATIVE_TAGS,
  needsFollowUp,
  POSITIVE_TAGS,
  RATING_DIMENSIONS,
  type RatingDimension,
  type RatingInput,
} from '@linli/shared';
import './index.scss';

/**
 * Rating is easy but deliberate: nothing is sent until the resident has picked the stars and
 * tapped 提交评价. The entry preselects the answer to 问题解决了吗 (fixed=1: 修好了, fixed=0: 没修好);
 * "没修好" marks fixed=false and offers to reopen the same order.
 */
export default function RatePage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const [stars, setStars] = useState(0);
  // The order page's 修好了，去评价 opens with fixed=1, its 没修好 with fixed=0: that answer is chosen.
  const [fixed, setFixed] = useState<boolean | null>(params.fixed === '0' ? false : params.fixed === '1' ? true : null);
  const [reopen, setReopen] = useState(params.fixed === '0');
  const [dims, setDims] = useState<Partial<Record<RatingDimension, number>>>({});
  const [tags, setTags] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  // The shared follow-up rule (1-2 stars or not fixed) also offers the reopen; before the stars
  // are picked, a "not fixed" already offers it.
  const reopenOffered = fixed === false || (stars > 0 && needsFollowUp({ stars, fixed }));
  const toggleTag = (t: string) => setTags((ts) => (ts.includes(t) ? ts.filter((x) => x !== t) : [...ts, t]));
  const setFixedAnswer = (value: boolean) => {
    setFixed(value);
    setReopen(!value);
  };

  const submit = async () => {
    if (busyRef.current) return;
    if (stars === 0) return setError('请先点星星打分');
    // Required: first-time-fix figures are built from this answer (an unanswered rating counted nowhere).
    if (fixed === null) return setError('请先选择问题是否解决了');
    void requestSubscriptions();
    busyRef.current = true;
    setSubmitting(true);
    setError(null);
    const input: RatingInput = { stars };
    const given = Object.fromEntries(Object.entries(dims).filter(([, v]) => v));
    if (Object.keys(given).length) input.dimensions = given;
    if (fixed !== null) input.fixed = fixed;
    if (tags.length) input.tags = tags;
    if (comment.trim()) input.comment = comment.trim();
    if (reopenOffered && reopen) input.reopen = true;
    try {
      const res = await api.rate(id, input);
      await Taro.showToast({
        title: res.orderStatus === 'reopened' ? '已申请返修' : '感谢您的评价',
        icon: 'success',
      });
      // Back to the order (it reloads on show); opened directly (H5 link), go to it instead.
      setTimeout(() => {
        Taro.navigateBack().catch(() => Taro.redirectTo({ url: `/subpackages/orders/detail/index?id=${id}` }));
      }, 800);
    } catch (err) {
      setError(textOf(err));
    } finally {
      busyRef.current = false;
      setSubmitting(false);
    }
  };

  return (
    <Screen className="rate">
      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}

      <View className="card">
        <View className="card-title">问题解决了吗？（必选）</View>
        <View className="choices">
          <View
            className={`choice rate-fixed ${fixed === true ? 'choice-on' : ''}`}
            onClick={() => setFixedAnswer(true)}
            role="radio"
            aria-checked={fixed === true}
          >
            修好了
          </View>
          <View
            className={`choice rate-fixed ${fixed === false ? 'choice-on rate-notfixed' : ''}`}
            onClick={() => setFixedAnswer(false)}
            role="radio"
            aria-checked={fixed === false}
          >
            没修好
          </View>
        </View>
      </View>

      <View className="card">
        <View className="card-title">总体评价（必选）</View>
        <Stars value={stars} onChange={setStars} label="总体评价" />
      </View>

      {reopenOffered && (
        <View
          className={`card rate-reopen ${reopen ? 'rate-reopen-on' : ''}`}
          onClick={() => setReopen(!reopen)}
          role="checkbox"
          aria-checked={reopen}
        >
          <Text className="rate-check">{reopen ? '☑' : '☐'}</Text>
          <View>
            <View className="large">申请返修</View>
            <View className="muted">同一工单重新派师傅上门，物业客服也会联系您</View>
          </View>
        </View>
      )}

      <View className="card">
        <View className="card-title">分项评价（可选）</View>
        {RATING_DIMENSIONS.map((d) => (
          <View key={d} className="rate-dim">
            <Text className="rate-dim-label">{DIMENSION_LABELS[d]}</Text>
            <Stars
              size="small"
              value={dims[d] ?? 0}
              label={DIMENSION_LABELS[d]}
              onChange={(n) => setDims((x) => ({ ...x, [d]: n }))}
            />
          </View>
        ))}
      </View>

      <View className="card">
        <View className="card-title">印象（可选）</View>
        <View className="choices">
          {[...(stars >= 4 || stars === 0 ? POSITIVE_TAGS : NEGATIVE_TAGS)].map((t) => (
            <View
              key={t}
              className={`choice ${tags.includes(t) ? 'choice-on' : ''}`}
              onClick={() => toggleTag(t)}
              role="checkbox"
              aria-checked={tags.includes(t)}
            >
              {t}
            </View>
          ))}
        </View>
        <Textarea
          className="textarea"
          value={comment}
          maxlength={500}
          placeholder="还想说点什么（可不填）"
          placeholderClass="placeholder"
          onInput={(e) => setComment(e.detail.value)}
          aria-label="评价内容"
        />
      </View>

      <View
        className={`btn btn-primary btn-block ${stars === 0 || fixed === null || submitting ? 'btn-disabled' : ''}`}
        onClick={() => void submit()}
        role="button"
        aria-disabled={stars === 0 || fixed === null || submitting}
      >
        {submitting ? '提交中…' : '提交评价'}
      </View>
    </Screen>
  );
}

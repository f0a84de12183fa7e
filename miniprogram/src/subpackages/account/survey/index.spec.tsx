import { render, screen, waitFor } from '@testing-library/react';
import SurveyPage from './index';
import { apiError, FakeApi } from '../../../../test/fake-api';
import { house, loggedIn } from '../../../../test/fixtures';
import { setRouter, stubNavigation, tap, typeInto } from '../../../../test/ui';

const survey = {
  id: 5,
  communityId: 1,
  communityName: '海月花园',
  title: '2026 年第四季度满意度调查',
  startsAt: '2026-11-01T00:00:00.000Z',
  endsAt: '2026-12-31T00:00:00.000Z',
  status: 'open',
  weights: [1, 1, 1],
  createdAt: '2026-10-30T00:00:00.000Z',
  answered: false,
};

function surveyApi(): FakeApi {
  return new FakeApi()
    .install()
    .on('GET', '/api/surveys', { body: [survey] })
    .on('GET', '/api/me/houses', { body: [house] });
}

const submitButton = () => screen.getByRole('button', { name: /提交/ });

/** Answer every required question: ACSI 8/7/9, NPS 10, SERVPERF 4/5/3/4/5. */
function answerAll(): void {
  tap(screen.getByRole('radio', { name: '总体满意度 8 分' }));
  tap(screen.getByRole('radio', { name: '符合预期程度 7 分' }));
  tap(screen.getByRole('radio', { name: '与理想服务相比 9 分' }));
  tap(screen.getByRole('radio', { name: '推荐意愿 10 分' }));
  tap(screen.getByRole('radio', { name: '设施环境 4 星' }));
  tap(screen.getByRole('radio', { name: '说到做到 5 星' }));
  tap(screen.getByRole('radio', { name: '响应及时 3 星' }));
  tap(screen.getByRole('radio', { name: '专业放心 4 星' }));
  tap(screen.getByRole('radio', { name: '贴心周到 5 星' }));
}

const expectedBody = {
  houseId: 11,
  overall: 8,
  expectation: 7,
  ideal: 9,
  nps: 10,
  servperf: { tangibles: 4, reliability: 5, responsiveness: 3, assurance: 4, empathy: 5 },
};

describe('小区满意度调查', () => {
  beforeEach(() => {
    loggedIn();
    stubNavigation();
    setRouter('/subpackages/account/survey/index', { id: '5' });
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends all the answers with the comment and thanks the resident', async () => {
    const api = surveyApi().on('POST', '/api/surveys/5/responses', { status: 201, body: { id: 1, surveyId: 5 } });
    const { container } = render(<SurveyPage />);
    expect(await screen.findByText('2026 年第四季度满意度调查')).toBeInTheDocument();
    expect(screen.getAllByRole('radio', { name: /^总体满意度 \d+ 分$/ })).toHaveLength(10);
    expect(screen.getAllByRole('radio', { name: /^推荐意愿 \d+ 分$/ })).toHaveLength(11);
    answerAll();
    await typeInto(container.querySelector('taro-textarea-core')!, ' 希望多修剪绿化 ');
    tap(submitButton());

    expect(await screen.findByText('感谢您的参与！')).toBeInTheDocument();
    const posts = api.callsTo('POST', '/api/surveys/5/responses');
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ ...expectedBody, comment: '希望多修剪绿化' });
  });

  it('speaks plain Chinese: no SERVPERF jargon, and scale ends that match each scale', async () => {
    surveyApi();
    const { container } = render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    const text = container.textContent ?? '';
    expect(text).not.toMatch(/有形性|移情性|保证性|响应性|可靠性/);
    // 1-10 satisfaction: 1 = 非常不满意 … 10 = 非常满意; the 1-5 stars say 1 星 = 非常不满意 … 5 星 = 非常满意.
    expect(screen.getAllByText('1 = 非常不满意')).toHaveLength(1);
    expect(screen.getAllByText('10 = 非常满意')).toHaveLength(1);
    expect(screen.getByText('1 = 远低于预期')).toBeInTheDocument();
    expect(screen.getByText(/1 星 = 非常不满意，5 星 = 非常满意/)).toBeInTheDocument();
    tap(screen.getByRole('radio', { name: '设施环境 1 星' }));
    expect(screen.getByText('非常不满意')).toBeInTheDocument();
  });

  it('keeps 提交 disabled and names what is missing until every required answer is given', async () => {
    const api = surveyApi().on('POST', '/api/surveys/5/responses', { status: 201, body: { id: 1, surveyId: 5 } });
    render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    expect(submitButton()).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.getByText(
        '还需回答：总体满意度、符合预期程度、与理想服务相比、推荐意愿、设施环境、说到做到、响应及时、专业放心、贴心周到',
      ),
    ).toBeInTheDocument();

    tap(screen.getByRole('radio', { name: '总体满意度 8 分' }));
    tap(screen.getByRole('radio', { name: '推荐意愿 0 分' }));
    expect(
      screen.getByText('还需回答：符合预期程度、与理想服务相比、设施环境、说到做到、响应及时、专业放心、贴心周到'),
    ).toBeInTheDocument();
    tap(submitButton());
    expect(api.callsTo('POST', '/api/surveys/5/responses')).toHaveLength(0);

    answerAll();
    expect(screen.queryByText(/还需回答/)).not.toBeInTheDocument();
    expect(submitButton()).toHaveAttribute('aria-disabled', 'false');
    tap(submitButton());
    await screen.findByText('感谢您的参与！');
    // No comment typed: none sent.
    expect(api.callsTo('POST', '/api/surveys/5/responses')[0].body).toEqual(expectedBody);
  });

  it('sends one response for a double tap', async () => {
    let answer: (v: { status: number; body: unknown }) => void = () => undefined;
    const api = surveyApi().on('POST', '/api/surveys/5/responses', () => new Promise((r) => (answer = r)));
    render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    answerAll();
    tap(submitButton());
    tap(submitButton());
    await waitFor(() => expect(api.callsTo('POST', '/api/surveys/5/responses')).toHaveLength(1));
    answer({ status: 201, body: { id: 1, surveyId: 5 } });
    expect(await screen.findByText('感谢您的参与！')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/surveys/5/responses')).toHaveLength(1);
  });

  it('shows a failure in Chinese and keeps every answer for the retry', async () => {
    const api = surveyApi()
      .on('POST', '/api/surveys/5/responses', { status: 201, body: { id: 1, surveyId: 5 } })
      .once('POST', '/api/surveys/5/responses', { networkError: true });
    render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    answerAll();
    tap(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent('网络不给力，请检查网络后重试');
    expect(screen.getByRole('radio', { name: '总体满意度 8 分' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('radio', { name: '贴心周到 5 星' })).toHaveAttribute('aria-checked', 'true');

    tap(screen.getByRole('button', { name: '重新提交' }));
    expect(await screen.findByText('感谢您的参与！')).toBeInTheDocument();
    const [first, second] = api.callsTo('POST', '/api/surveys/5/responses');
    expect(second.body).toEqual(first.body);
  });

  it('treats "already answered" (a retry after a lost answer) as done, and a closed survey as an error', async () => {
    surveyApi().once(
      'POST',
      '/api/surveys/5/responses',
      apiError(409, 'TRANSITION_NOT_ALLOWED', 'the survey is not open for answers'),
    );
    const first = render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    answerAll();
    tap(submitButton());
    expect(await screen.findByRole('alert')).toHaveTextContent('这项调查已结束，无法再提交');
    first.unmount();

    surveyApi().once('POST', '/api/surveys/5/responses', apiError(409, 'SURVEY_ALREADY_ANSWERED', 'already answered'));
    render(<SurveyPage />);
    await screen.findByText('2026 年第四季度满意度调查');
    answerAll();
    tap(submitButton());
    expect(await screen.findByText('感谢您的参与！')).toBeInTheDocument();
    expect(screen.getByText('已提交')).toBeInTheDocument();
  });

  it('says thanks, without the questions, for a survey already answered', async () => {
    surveyApi().on('GET', '/api/surveys', { body: [{ ...survey, answered: true }] });
    render(<SurveyPage />);
    expect(await screen.findByText('感谢您的参与！')).toBeInTheDocument();
    expect(screen.getByText('已提交')).toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: '总体满意度 8 分' })).not.toBeInTheDocument();
  });

  it('opens the open survey when it is given no id (from a survey message)', async () => {
    setRouter('/subpackages/account/survey/index', {});
    surveyApi().on('GET', '/api/surveys', {
      body: [{ ...survey, id: 4, title: '2026 年第三季度满意度调查', answered: true }, survey],
    });
    render(<SurveyPage />);
    expect(await screen.findByText('2026 年第四季度满意度调查')).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '总体满意度 8 分' })).toBeInTheDocument();
  });

  it('shows a load failure with 重试', async () => {
    const api = surveyApi().once('GET', '/api/surveys', apiError(503, 'SERVICE_UNAVAILABLE'));
    render(<SurveyPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('服务暂不可用，请稍后再试');
    tap(screen.getByText('重试'));
    expect(await screen.findByText('2026 年第四季度满意度调查')).toBeInTheDocument();
    expect(api.callsTo('GET', '/api/surveys')).toHaveLength(2);
  });
});

import { ACSI_ITEMS, SERVPERF_DIMENSIONS, acsiIndex, nps, surveyResults, type SurveyResponse } from './survey.js';
import { ACSI_ITEM_LABELS, SERVPERF_LABELS } from '../labels.js';

describe('constants', () => {
  it('has the three ACSI items and the five SERVPERF dimensions with Chinese labels', () => {
    expect(ACSI_ITEMS).toEqual(['overall', 'expectation', 'ideal']);
    for (const item of ACSI_ITEMS) expect(ACSI_ITEM_LABELS[item]).toMatch(/\S/);
    expect(SERVPERF_DIMENSIONS.map((d) => SERVPERF_LABELS[d])).toEqual([
      '有形性',
      '可靠性',
      '响应性',
      '保证性',
      '移情性',
    ]);
  });
});

describe('ACSI index', () => {
  it('is 100 when every item is 10 and 0 when every item is 1', () => {
    // (10 - 1) / 9 * 100 = 100; (1 - 1) / 9 * 100 = 0
    expect(acsiIndex([10, 10, 10])).toBeCloseTo(100, 10);
    expect(acsiIndex([1, 1, 1])).toBe(0);
  });

  it('computes a mixed example with equal and with custom weights', () => {
    // equal: ((8-1) + (7-1) + (6-1)) / 3 = 6 -> 6 / 9 * 100 = 66.666667
    expect(acsiIndex([8, 7, 6])).toBeCloseTo(66.666667, 5);
    // [2, 1, 1] normalized to [0.5, 0.25, 0.25]: 0.5*7 + 0.25*6 + 0.25*5 = 6.25 -> 69.444444
    expect(acsiIndex([8, 7, 6], [2, 1, 1])).toBeCloseTo(69.444444, 5);
    // only the first item counts: (8 - 1) / 9 * 100 = 77.777778
    expect(acsiIndex([8, 7, 6], [1, 0, 0])).toBeCloseTo(77.777778, 5);
  });

  it('rejects bad weights and means out of range', () => {
    expect(() => acsiIndex([8, 7, 6], [0, 0, 0])).toThrow(RangeError);
    expect(() => acsiIndex([8, 7, 6], [-1, 1, 1])).toThrow(RangeError);
    expect(() => acsiIndex([8, 7, NaN])).toThrow(RangeError);
    expect(() => acsiIndex([0.5, 7, 6])).toThrow(RangeError);
    expect(() => acsiIndex([11, 7, 6])).toThrow(RangeError);
  });
});

describe('NPS', () => {
  it('counts promoters (9-10), passives (7-8) and detractors (0-6)', () => {
    // promoters 10, 9, 10, 9 = 4; passives 8, 7 = 2; detractors 6, 0, 3, 5 = 4 -> (4 - 4) / 10 = 0
    expect(nps([10, 9, 8, 7, 6, 0, 10, 3, 9, 5])).toEqual({ n: 10, promoters: 4, passives: 2, detractors: 4, nps: 0 });
    // 3 promoters, 1 passive: (3 - 0) / 4 * 100 = 75
    expect(nps([10, 10, 9, 8])).toEqual({ n: 4, promoters: 3, passives: 1, detractors: 0, nps: 75 });
    // n = 1
    expect(nps([6]).nps).toBe(-100);
    expect(nps([])).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null });
  });

  it('rejects scores that are not integers 0..10', () => {
    expect(() => nps([11])).toThrow(RangeError);
    expect(() => nps([-1])).toThrow(RangeError);
    expect(() => nps([8.5])).toThrow(RangeError);
  });
});

describe('survey results', () => {
  const responses: SurveyResponse[] = [
    {
      overall: 9,
      expectation: 8,
      ideal: 7,
      nps: 10,
      servperf: { tangibles: 5, reliability: 4, responsiveness: 3, assurance: 4, empathy: 5 },
    },
    { overall: 7, expectation: 6, ideal: 5, nps: 6, servperf: { tangibles: 3, reliability: 2, responsiveness: null } },
    { overall: 8, expectation: 7, ideal: 6, nps: null, servperf: { tangibles: 4, unknown: 1 } },
  ];

  it('combines item means, ACSI, NPS and SERVPERF', () => {
    // means: overall (9+7+8)/3 = 8, expectation 7, ideal 6 -> ACSI = (7+6+5)/3/9*100 = 66.666667
    // NPS over the two answers 10 and 6: (1 - 1) / 2 = 0
    // SERVPERF: tangibles (5+3+4)/3 = 4, reliability (4+2)/2 = 3, responsiveness 3, assurance 4, empathy 5
    const r = surveyResults(responses);
    expect(r.responses).toBe(3);
    expect(r.means).toEqual({ overall: 8, expectation: 7, ideal: 6 });
    expect(r.acsi).toBeCloseTo(66.666667, 5);
    expect(r.nps).toEqual({ n: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 });
    expect(r.servperf).toEqual({ tangibles: 4, reliability: 3, responsiveness: 3, assurance: 4, empathy: 5 });
    // weights [1, 0, 0]: (8 - 1) / 9 * 100 = 77.777778
    expect(surveyResults(responses, [1, 0, 0]).acsi).toBeCloseTo(77.777778, 5);
  });

  it('is empty without responses', () => {
    expect(surveyResults([])).toEqual({
      responses: 0,
      means: { overall: null, expectation: null, ideal: null },
      acsi: null,
      nps: { n: 0, promoters: 0, passives: 0, detractors: 0, nps: null },
      servperf: { tangibles: null, reliability: null, responsiveness: null, assurance: null, empathy: null },
    });
  });

  it('rejects items out of range', () => {
    expect(() => surveyResults([{ ...responses[0], ideal: 0 }])).toThrow(RangeError);
  });
});

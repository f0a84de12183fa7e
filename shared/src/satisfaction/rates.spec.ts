import {
  complaintsPer1000,
  csat,
  followUpCoverage,
  ftfRate,
  reopenRate,
  repeatRate,
  responseRate,
  slaCompliance,
} from './index.js';

describe('rates', () => {
  it('divides, null on a zero denominator', () => {
    expect(responseRate(30, 40)).toBe(0.75);
    // an all-unrated slice: 12 completed, none rated -> response rate 0, CSAT null
    expect(responseRate(0, 12)).toBe(0);
    expect(csat(0, 0).csat).toBeNull();
    expect(responseRate(0, 0)).toBeNull();
    expect(ftfRate(45, 50)).toBe(0.9);
    expect(ftfRate(0, 0)).toBeNull();
    expect(repeatRate(6, 120)).toBe(0.05);
    expect(repeatRate(0, 0)).toBeNull();
    expect(reopenRate(3, 60)).toBe(0.05);
    expect(reopenRate(1, 0)).toBeNull();
    expect(followUpCoverage(18, 24)).toBe(0.75);
    expect(followUpCoverage(0, 0)).toBeNull();
    // 9 complaints / 1200 households * 1000 = 7.5
    expect(complaintsPer1000(9, 1200)).toBe(7.5);
    expect(complaintsPer1000(3, 0)).toBeNull();
    expect(slaCompliance(57, 60)).toBe(0.95);
    expect(slaCompliance(0, 0)).toBeNull();
    expect(() => ftfRate(-1, 3)).toThrow(RangeError);
  });
});

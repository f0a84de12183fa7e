import { describe, expect, it } from '@jest/globals';
import type { BreakdownView, DriversView, HotspotsView } from '@linli/shared';
import { escapeHtml, markup } from '../../components/html';
import { categoryTip, driverTip, durationTip, hotspotTip, trendTip } from './tooltips';

const XSS = '<img src=x onerror=alert(1)>';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

const row = (label: string) =>
  ({
    label,
    index: 81.25,
    indexInterval: { low: 75, high: 88 },
    effectiveN: 12,
    csat: { value: 0.8, interval: { low: 0.7, high: 0.9 } },
    counts: { rated: 10, created: 14 },
  }) as unknown as BreakdownView['rows'][number];

/** What the browser would show: the tooltip string parsed as HTML, as ECharts inserts it. */
const visibleText = (s: string) =>
  s
    .split('<br/>')
    .join('\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('dashboard tooltips escape names', () => {
  it('escapes a label holding markup; the tooltip keeps its own <br/>', () => {
    const tip = trendTip(row(XSS));
    expect(tip.startsWith(`${ESCAPED}<br/>满意度指数 81.3`)).toBe(true);
    expect(tip).not.toContain('<img');
    // The only tags left are the tooltip's line breaks.
    expect(tip.replace(/<br\/>/g, '')).not.toMatch(/[<>]/);
    expect(visibleText(tip).split('\n')[0]).toBe(XSS);
  });

  it('escapes categories, drivers and hotspot building and category names', () => {
    expect(categoryTip(row('<b>x</b>'))).toMatch(/^&lt;b&gt;x&lt;\/b&gt;<br\/>/);
    const driver = { label: '"a" & \'b\'', n: 3, impact: 0.1, mean: 4, correlation: 0.2, beta: 0.3 };
    expect(driverTip(driver as DriversView['drivers'][number])).toMatch(/^&quot;a&quot; &amp; &#39;b&#39;（n = 3）/);
    const spot = {
      buildingName: '<script>alert(1)</script>',
      categoryName: '<b>水管</b>',
      trend: { current: 3, previous: 1, change: 2, changePct: 200 },
      complaints: 1,
      repeats: 0,
    } as unknown as HotspotsView['rows'][number];
    const tip = hotspotTip(spot);
    expect(tip).toContain('&lt;script&gt;alert(1)&lt;/script&gt; · &lt;b&gt;水管&lt;/b&gt;<br/>本期 3 单');
    expect(tip.replace(/<br\/>/g, '')).not.toMatch(/[<>]/);
  });

  it('markup`` escapes every value and nothing else; escapeHtml takes null as empty', () => {
    expect(markup`<br/>${'<i>'}${1}${null}${undefined}`).toBe('<br/>&lt;i&gt;1');
    expect(escapeHtml('a & b')).toBe('a &amp; b');
    expect(escapeHtml(null)).toBe('');
  });
});

describe('duration tooltip', () => {
  it('says when the percentiles are estimates from the sketches, and how close they are', () => {
    const exact = { st: 'accept' as const, n: 4, medianMinutes: 25, p90Minutes: 37 };
    expect(visibleText(durationTip(exact))).not.toContain('估算');
    const estimate = visibleText(durationTip({ ...exact, n: 90_000, relativeError: 0.01 }));
    expect(estimate).toContain('n = 90000');
    expect(estimate).toContain('估算值，相对误差不超过 1%');
  });
});

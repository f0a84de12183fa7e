import { format } from 'echarts/core';

/**
 * Text placed into an HTML string (ECharts tooltips: a `formatter` returning a string is HTML),
 * escaped with ECharts' own `format.encodeHTML` (& < > " '). Names come from imports, surveys and
 * the price list; the server refuses markup in them, and this is the second line.
 */
export function escapeHtml(value: string | number | null | undefined): string {
  return format.encodeHTML(value === null || value === undefined ? '' : String(value));
}

/**
 * The one way the console builds HTML from data: literal parts are markup, every `${value}` is
 * escaped. markup`${r.label}<br/>CSAT ${pct(v)}` keeps the <br/> and shows a label's `<b>` as text.
 */
export function markup(strings: TemplateStringsArray, ...values: Array<string | number | null | undefined>): string {
  return strings.reduce((out, literal, i) => out + literal + (i < values.length ? escapeHtml(values[i]) : ''), '');
}

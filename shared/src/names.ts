/**
 * Names people type or import (communities, buildings, houses, staff, categories, price items,
 * surveys and their questions, rules) are plain text: no markup, no control characters. They end
 * up in HTML (chart tooltips), spreadsheets and SMS; the screens escape them on output as well,
 * this refuses them at the door.
 */

/** `<` or `>` (markup), or a C0/C1 control character (tab and newline included; NUL, DEL). */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /[<>\u0000-\u001f\u007f-\u009f]/;

/** What is wrong with a name that is not plain, in Chinese for the screens and import reports. */
export const PLAIN_NAME_PROBLEM = '不能包含 < > 或控制字符';

/** The problem with a name; null when it is plain text. */
export function plainNameProblem(value: string): string | null {
  return NOT_PLAIN.test(value) ? PLAIN_NAME_PROBLEM : null;
}

export function isPlainName(value: unknown): value is string {
  return typeof value === 'string' && !NOT_PLAIN.test(value);
}

import type { FieldError } from '@linli/shared';
import { AppError } from './app-error.js';

/**
 * The shape rules every JSON body meets before class-transformer and class-validator see it
 * (docs/security.md, "Hostile input"). Both walk bodies recursively, so a body nested 20,000
 * levels deep overflowed their stack (a 500 on every JSON endpoint, before login); this walk is
 * iterative and stops at MAX_DEPTH. It also refuses what no field of ours may hold, wherever
 * it appears:
 * - keys that reach an object's prototype (`__proto__`, `constructor`, `prototype`): JSON.parse
 *   makes `__proto__` an own key, which whitelisting would otherwise strip silently;
 * - control characters in text (NUL, ESC, DEL, the C1 range, bidirectional overrides), which
 *   end up in exports, logs and terminals; tab and line breaks stay allowed;
 * - text that is only white space (including the ideographic space U+3000): a description or a
 *   name of "   " is no description.
 * Empty strings are left to each field's own length rule.
 */
export const MAX_DEPTH = 32;
const MAX_ERRORS = 20;
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const BLANK = /^[\s\u3000]+$/u;

/** What is wrong with one JSON value, or [] when nothing is. Throws AppError when too deep. */
export function bodyProblems(body: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length && problems.length < MAX_ERRORS) {
    const { value, path, depth } = stack.pop()!;
    const field = path || 'body';
    if (typeof value === 'string') {
      if (CONTROL.test(value)) problems.push({ field, problems: [`${field} must not contain control characters`] });
      else if (BLANK.test(value)) problems.push({ field, problems: [`${field} must not be blank`] });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      throw new AppError('VALIDATION_FAILED', `request body is nested too deeply (at most ${MAX_DEPTH} levels)`);
    }
    const entries: Array<[string, unknown]> = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && HOSTILE_KEYS.has(key)) {
        problems.push({ field: childPath, problems: [`property ${key} should not exist`] });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return problems;
}

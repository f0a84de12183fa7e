/**
 * The staff password policy (docs/security.md "Passwords"), shared by the server (which enforces
 * it) and the console and mini-program forms (which explain it before sending).
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'too_short' | 'too_long' | 'all_digits' | 'is_username' | 'same_as_old';

export const PASSWORD_PROBLEM_LABELS: Record<PasswordProblem, string> = {
  too_short: `密码至少 ${PASSWORD_MIN_LENGTH} 位`,
  too_long: `密码最多 ${PASSWORD_MAX_LENGTH} 位`,
  all_digits: '密码不能全是数字',
  is_username: '密码不能与用户名相同',
  same_as_old: '新密码不能与原密码相同',
};

/** What is wrong with a new password, or null when it is acceptable. Lengths count characters. */
export function passwordProblem(
  password: string,
  opts: { username?: string | null; oldPassword?: string } = {},
): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (/^\d+$/.test(password)) return 'all_digits';
  if (opts.username && password.trim().toLowerCase() === opts.username.trim().toLowerCase()) return 'is_username';
  if (opts.oldPassword !== undefined && password === opts.oldPassword) return 'same_as_old';
  return null;
}

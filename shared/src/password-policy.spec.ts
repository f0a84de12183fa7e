import { passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts 8+ characters that are not all digits and not the username', () => {
    expect(passwordProblem('hello123', { username: 'tech1' })).toBeNull();
    expect(passwordProblem('维修师傅密码好的', { username: 'tech1' })).toBeNull();
  });
  it('refuses short, all-digit, username and unchanged passwords', () => {
    expect(passwordProblem('abc1234')).toBe('too_short');
    expect(passwordProblem('12345678')).toBe('all_digits');
    expect(passwordProblem('Zhang.Wei1', { username: 'zhang.wei1' })).toBe('is_username');
    expect(passwordProblem('same-pass1', { oldPassword: 'same-pass1' })).toBe('same_as_old');
    expect(passwordProblem('x'.repeat(129))).toBe('too_long');
  });
});

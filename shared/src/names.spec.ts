import { isPlainName, plainNameProblem } from './names.js';

describe('plain names', () => {
  it.each(['阳光花园', '3栋 1单元 101', 'A&B 物业', "O'Neil", '水管 / 下水道', '100% 满意', '-1层'])(
    'accepts %j',
    (name) => {
      expect(isPlainName(name)).toBe(true);
      expect(plainNameProblem(name)).toBeNull();
    },
  );

  it.each([
    '<img src=x onerror=alert(1)>',
    '<b>x</b>',
    'a > b',
    '1<2',
    'tab\there',
    'line\nbreak',
    'nul\u0000',
    'del\u007f',
    'c1\u0085',
  ])('refuses %j', (name) => {
    expect(isPlainName(name)).toBe(false);
    expect(plainNameProblem(name)).toBe('不能包含 < > 或控制字符');
  });

  it('is not fooled by non-strings', () => {
    expect(isPlainName(undefined)).toBe(false);
    expect(isPlainName(42)).toBe(false);
  });
});

import { maskPhone, normalizePhone, registryMatches } from './places.js';

describe('normalizePhone', () => {
  it('keeps only digits', () => {
    expect(normalizePhone('138 0013 8000')).toBe('13800138000');
    expect(normalizePhone('138-0013-8000')).toBe('13800138000');
  });

  it('drops a +86 or 86 country prefix', () => {
    expect(normalizePhone('+86 138 0013 8000')).toBe('13800138000');
    expect(normalizePhone('8613800138000')).toBe('13800138000');
    expect(normalizePhone('+86-13800138000')).toBe('13800138000');
  });

  it('leaves a number alone when 86 is not a country prefix', () => {
    // An 11-digit number that happens to start with 86 is kept whole.
    expect(normalizePhone('86123456789')).toBe('86123456789');
    expect(normalizePhone('010-8888 6666')).toBe('01088886666');
  });
});

describe('maskPhone', () => {
  it('shows the first three and last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+86 138 0013 8000')).toBe('138****8000');
  });

  it('gives null when there is no phone', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeNull();
    expect(maskPhone('')).toBeNull();
  });

  it('hides a short number completely', () => {
    expect(maskPhone('12345')).toBe('****');
    expect(maskPhone('123456')).toBe('****');
    expect(maskPhone('1234567')).toBe('123****4567');
  });
});

describe('registryMatches', () => {
  const registry = { name: '张三', phone: '13800138000' };

  it('matches the same name and phone, ignoring spaces around the name and phone format', () => {
    expect(registryMatches(registry, { name: ' 张三 ', phone: '+86 138-0013-8000' })).toBe(true);
  });

  it('does not match another name', () => {
    expect(registryMatches(registry, { name: '张四', phone: '13800138000' })).toBe(false);
  });

  it('does not match another phone', () => {
    expect(registryMatches(registry, { name: '张三', phone: '13800138001' })).toBe(false);
  });

  it('does not ignore spaces inside the name', () => {
    expect(registryMatches(registry, { name: '张 三', phone: '13800138000' })).toBe(false);
  });
});

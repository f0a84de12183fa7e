import { preset } from '../jest.preset.mjs';

const base = preset(import.meta.dirname);
// The console's browser-free modules (tooltip texts, formatting) are tested here too.
export default {
  ...base,
  testMatch: [...base.testMatch, '<rootDir>/console/src/**/*.spec.ts'],
  testTimeout: 30000,
};

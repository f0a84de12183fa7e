// Component tests: the pages render in jsdom with Taro's H5 runtime (the same APIs and
// components as the H5 build); only the HTTP layer is replaced (test/fake-api.ts stubs
// Taro.request and Taro.uploadFile). The package is CommonJS for Taro's tooling, so SWC
// compiles TypeScript and the ESM parts of Taro to CommonJS here; this also runs under
// scripts/run-tests.mjs, which starts Node with --experimental-vm-modules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
// This package's React. Taro's components import `react` without declaring it, so Node finds
// pnpm's hoisted copy, which could be another workspace package's version (the console was on
// React 19 for a while; both are on 18 now): tests use the React this package ships with.
const react = path.join(here, 'node_modules/react');
const reactDom = path.join(here, 'node_modules/react-dom');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2020',
    },
    module: { type: 'commonjs' },
  },
];

export default {
  rootDir: here,
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.spec.{ts,tsx}', '<rootDir>/test/**/*.spec.{ts,tsx}'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  // Taro's packages and many of their dependencies ship ES modules (some only for browsers):
  // compile all of node_modules except the big CommonJS libraries (SWC caches the result).
  // dist/ is build output that the weapp smoke test loads as it is.
  transformIgnorePatterns: [
    '/node_modules/(\\.pnpm/)?(react|react-dom|scheduler|@testing-library\\+[a-z-]+|jsdom|miniprogram-simulate|j-component|miniprogram-compiler)[@/]',
    '<rootDir>/dist/',
  ],
  moduleNameMapper: {
    '^react$': react,
    '^react/(.*)$': `${react}/$1`,
    '^react-dom$': reactDom,
    '^react-dom/(.*)$': `${reactDom}/$1`,
    '^@tarojs/taro$': '<rootDir>/test/taro-shim.ts',
    '^@tarojs/components$': '@tarojs/components/lib/react',
    '\\.(css|scss)$': '<rootDir>/test/style-stub.cjs',
    '^@linli/shared$': path.join(repo, 'shared/src/index.ts'),
    // shared/src imports its siblings with .js, as NodeNext wants.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['<rootDir>/test/env.ts', '<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['@testing-library/jest-dom'],
  testEnvironmentOptions: { url: 'http://127.0.0.1:10086/h5/' },
};

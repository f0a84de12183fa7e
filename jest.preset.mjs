// Shared Jest settings for the ESM packages (shared/, server/, e2e/).
// SWC strips types and emits decorator metadata, which class-validator and TypeORM need.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export function preset(packageDir) {
  return {
    rootDir: packageDir,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'es6' },
        },
      ],
    },
    moduleNameMapper: {
      '^(\\.{1,2}/.*)\\.js$': '$1',
      '^@linli/shared$': path.join(root, 'shared/src/index.ts'),
      '^@linli/shared/api-schemas$': path.join(root, 'shared/src/api-schemas.ts'),
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    // Tests run in a worker that is replaced once it holds this much after a file: run in band
    // (one worker on 2 cores), one process kept every file's module graph (ESM in vm contexts),
    // grew past 3 GB and spent its time collecting garbage (a 4 s file took 132 s late in CI).
    workerIdleMemoryLimit: '1GB',
  };
}

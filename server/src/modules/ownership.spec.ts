import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { ESLint } from 'eslint';

/**
 * The module-ownership rule (eslint.config.mjs, docs/architecture.md "Who owns which table"),
 * run with the workspace's real configuration on code placed at real paths.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: root });
const at = (file: string) => path.join(root, 'server/src', file);

async function ownershipErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: at(file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('module ownership lint rule', () => {
  jest.setTimeout(60_000);

  it("refuses another module's entities in a service", async () => {
    const errors = await ownershipErrors(
      'modules/audit/audit.service.ts',
      "import { WorkOrder } from '../work-orders/work-order.entities.js';\nexport const x = WorkOrder;\n",
    );
    expect(errors).toEqual([expect.stringContaining("another module's entities")]);
  });

  it('refuses a type-only import of them too: row types come from the owner', async () => {
    const errors = await ownershipErrors(
      'modules/sla/sla.service.ts',
      "import type { User } from '../users/user.entities.js';\nexport type X = User;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it("allows a module's own entities and another module's public files", async () => {
    const errors = await ownershipErrors(
      'modules/sla/sla.service.ts',
      [
        "import { SlaClockRow } from './sla.entities.js';",
        "import type { WorkOrder } from '../work-orders/work-order-lifecycle.js';",
        'export type X = [SlaClockRow, WorkOrder];',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
  });

  it('lets an entity file name another entity as a type for a relation, not as a value', async () => {
    const asType = await ownershipErrors(
      'modules/residents/house-binding.entity.ts',
      "import type { User } from '../users/user.entities.js';\nexport type X = User;\n",
    );
    expect(asType).toEqual([]);
    const asValue = await ownershipErrors(
      'modules/residents/house-binding.entity.ts',
      "import { User } from '../users/user.entities.js';\nexport const x = User;\n",
    );
    expect(asValue).toHaveLength(1);
  });

  it('lets the database composition root import every entity', async () => {
    const errors = await ownershipErrors(
      'database/seed/demo-seed.ts',
      "import { WorkOrder } from '../../modules/work-orders/work-order.entities.js';\nexport const x = WorkOrder;\n",
    );
    expect(errors).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { API_SCHEMAS } from './api-schemas.js';

interface Generator {
  OUTPUT: string;
  VIEW_TYPES: string[];
  generateApiSchemasSource(): Promise<string>;
}

/** A path, not a literal import: the script is plain JavaScript outside this package's sources. */
const GENERATOR = '../scripts/api-schemas.mjs';

describe('api-schemas.ts (generated from the view types)', () => {
  it('is what the generator makes of the view types now (run `node shared/scripts/api-schemas.mjs` after changing one)', async () => {
    const gen = (await import(GENERATOR)) as Generator;
    const fresh = await gen.generateApiSchemasSource();
    expect(readFileSync(gen.OUTPUT, 'utf8') === fresh).toBe(true);
  }, 60000);

  it('holds every view type, closed objects, and nothing JSON Schema has that OpenAPI 3.0 lacks', async () => {
    const gen = (await import(GENERATOR)) as Generator;
    for (const name of gen.VIEW_TYPES) expect(Object.keys(API_SCHEMAS)).toContain(name);
    const text = JSON.stringify(API_SCHEMAS);
    for (const word of ['"$schema"', '"const"', '"definitions"', '"examples"', '"type":["', '#/definitions/']) {
      expect(text).not.toContain(word);
    }
    expect((API_SCHEMAS.WorkOrderView as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  });
});

import { DEFAULT_CATEGORY_NAMES } from '@linli/shared';
import type { EntityManager } from 'typeorm';
import { Category } from './category.entity.js';

/** A new company's repair categories: the catalogue's default names, in their order. */
export async function insertDefaultCategories(em: EntityManager, companyId: number): Promise<void> {
  let sortOrder = 0;
  for (const [code, name] of Object.entries(DEFAULT_CATEGORY_NAMES)) {
    await em.save(em.create(Category, { companyId, code, name, sortOrder: sortOrder++ }));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Category } from './category.entity.js';

@Injectable()
export class CategoriesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  listForCompanies(companyIds: number[]) {
    if (!companyIds.length) return Promise.resolve([]);
    return this.ds.getRepository(Category).find({
      where: { companyId: In(companyIds) },
      order: { sortOrder: 'ASC', id: 'ASC' },
    });
  }

  findByCode(companyId: number, code: string, em: EntityManager = this.ds.manager): Promise<Category | null> {
    return em.findOneBy(Category, { companyId, code });
  }

  /** Categories by (company, code) pairs, in one query. */
  findByCodes(pairs: Array<{ companyId: number; code: string }>, em: EntityManager = this.ds.manager) {
    return pairs.length
      ? em.findBy(
          Category,
          pairs.map((p) => ({ companyId: p.companyId, code: p.code })),
        )
      : Promise.resolve([]);
  }

  async exists(companyId: number, code: string): Promise<boolean> {
    return (await this.ds.getRepository(Category).countBy({ companyId, code })) > 0;
  }
}

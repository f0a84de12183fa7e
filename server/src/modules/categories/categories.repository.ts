import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { ReadCache } from '../../common/read-cache.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Category } from './category.entity.js';

@Injectable()
export class CategoriesRepository {
  /** Each company's category codes (read by every order; categories are written only by the seed). */
  private readonly codes: ReadCache<number, Set<string>>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.codes = new ReadCache(config.configCacheMs);
  }

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
    const codes = await this.codes.get(
      companyId,
      async () =>
        new Set(
          (await this.ds.getRepository(Category).find({ select: { code: true }, where: { companyId } })).map(
            (c) => c.code,
          ),
        ),
    );
    return codes.has(code);
  }
}

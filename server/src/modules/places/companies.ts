import type { DataSource, EntityManager } from 'typeorm';
import { Community, Company } from './place.entities.js';

/**
 * Company rows for the platform operator and the account CLI (modules/accounts): the places
 * module owns the `company` and `community` tables.
 */
export interface CompanyRow {
  id: number;
  name: string;
  active: boolean;
  createdAt: Date;
}

export function insertCompany(em: EntityManager, name: string): Promise<CompanyRow> {
  return em.save(em.create(Company, { name, active: true }));
}

export function findCompany(em: EntityManager, id: number): Promise<CompanyRow | null> {
  return em.findOneBy(Company, { id });
}

export async function setCompanyActive(em: EntityManager, id: number, active: boolean): Promise<void> {
  await em.update(Company, { id }, { active });
}

/** Every company, by id, with its number of communities. */
export async function companiesWithCommunityCounts(
  ds: DataSource,
): Promise<Array<{ company: CompanyRow; communities: number }>> {
  const companies = await ds.getRepository(Company).find({ order: { id: 'ASC' } });
  const rows = await ds
    .getRepository(Community)
    .createQueryBuilder('c')
    .select('c.companyId', 'companyId')
    .addSelect('COUNT(*)', 'n')
    .groupBy('c.companyId')
    .getRawMany<{ companyId: number | string; n: number | string }>();
  const count = new Map(rows.map((r) => [Number(r.companyId), Number(r.n)]));
  return companies.map((company) => ({ company, communities: count.get(company.id) ?? 0 }));
}

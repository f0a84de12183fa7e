import type { DataSource, EntityManager } from 'typeorm';
import { User } from './user.entities.js';

/**
 * Account rows for modules/accounts and the account CLI: the users module owns the `user` table.
 */
export function usernameTaken(em: EntityManager, username: string): Promise<boolean> {
  return em.existsBy(User, { username });
}

/** A password account (staff or operator) that must set its own password at first login. */
export function insertPasswordAccount(
  em: EntityManager,
  fields: Pick<User, 'role' | 'companyId' | 'name' | 'username' | 'passwordHash'>,
): Promise<User> {
  return em.save(em.create(User, { ...fields, phone: null, mustChangePassword: true, active: true }));
}

/** Active users with a company, counted per company. */
export async function activeUsersByCompany(ds: DataSource): Promise<Map<number, number>> {
  const rows = await ds
    .getRepository(User)
    .createQueryBuilder('u')
    .select('u.companyId', 'companyId')
    .addSelect('COUNT(*)', 'n')
    .where('u.companyId IS NOT NULL AND u.active = :active', { active: true })
    .groupBy('u.companyId')
    .getRawMany<{ companyId: number | string; n: number | string }>();
  return new Map(rows.map((r) => [Number(r.companyId), Number(r.n)]));
}

import { randomInt } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { insertDefaultCategories } from '../categories/default-categories.js';
import { insertCompany, type CompanyRow } from '../places/companies.js';
import { insertPasswordAccount, usernameTaken } from '../users/accounts.js';
import type { User } from '../users/users.repository.js';

/**
 * Account creation shared by the platform API (platform.controller.ts) and the database CLI
 * (database/cli.ts): a company with its first admin, and platform operators. Passwords chosen
 * here are temporary: the account must set its own at first login (docs/security.md).
 */

/** Letters and digits without look-alikes (0/O, 1/l/I), for passwords read off a screen. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const LETTERS = /[a-zA-Z]/;

/** A random 12-character temporary password (about 69 bits), never all digits. */
export function temporaryPassword(): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < 12; i++) out += ALPHABET[randomInt(ALPHABET.length)];
    if (LETTERS.test(out) && /\d/.test(out)) return out;
  }
}

/** Usernames: 3-50 of letters, digits, `.`, `_`, `-` (the login form's field). */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,50}$/;

export interface CreatedCompany {
  company: CompanyRow;
  admin: User;
  temporaryPassword: string;
}

/**
 * A company, its default categories and its first admin (must change password), in the caller's
 * transaction. USERNAME_TAKEN when the username is in use (checked, and by the unique index).
 */
export async function createCompanyWithAdmin(
  em: EntityManager,
  input: { name: string; adminUsername: string; adminName: string; password?: string },
): Promise<CreatedCompany> {
  await assertUsernameFree(em, input.adminUsername);
  const company = await insertCompany(em, input.name);
  await insertDefaultCategories(em, company.id);
  const password = input.password ?? temporaryPassword();
  const admin = await insertUser(em, {
    role: 'admin',
    companyId: company.id,
    name: input.adminName,
    username: input.adminUsername,
    passwordHash: await hash(password),
  });
  return { company, admin, temporaryPassword: password };
}

/** A platform operator account (no company), must change its password at first login. */
export async function createOperator(
  em: EntityManager,
  input: { username: string; name: string; password?: string },
): Promise<{ user: User; temporaryPassword: string }> {
  await assertUsernameFree(em, input.username);
  const password = input.password ?? temporaryPassword();
  const user = await insertUser(em, {
    role: 'operator',
    companyId: null,
    name: input.name,
    username: input.username,
    passwordHash: await hash(password),
  });
  return { user, temporaryPassword: password };
}

async function assertUsernameFree(em: EntityManager, username: string): Promise<void> {
  if (!USERNAME_PATTERN.test(username))
    throw new AppError('VALIDATION_FAILED', 'username: 3-50 letters, digits, ".", "_" or "-"');
  if (await usernameTaken(em, username)) throw new AppError('USERNAME_TAKEN', `username ${username} is already in use`);
}

async function insertUser(
  em: EntityManager,
  fields: Pick<User, 'role' | 'companyId' | 'name' | 'username' | 'passwordHash'>,
): Promise<User> {
  try {
    return await insertPasswordAccount(em, fields);
  } catch (e) {
    // Two creations racing for one username: the unique index decides.
    if (isUniqueViolation(e)) throw new AppError('USERNAME_TAKEN', `username ${fields.username} is already in use`);
    throw e;
  }
}

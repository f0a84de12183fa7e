// Helpers for the staff-mode browser journey: sign a staff member in through the H5 app's
// 员工登录 form, and sign out again (the session is in localStorage), on one phone.
import type { Page } from 'playwright-core';
import { STAFF_PASSWORD } from '../../../server/src/testing/factories.js';
import { pageShown, tap, visible, visibleText } from './browser.js';

/** A full page load of an H5 route (a hash change alone would go through Taro's router stack). */
export async function openRoute(page: Page, baseUrl: string, route: string): Promise<void> {
  if (page.url().startsWith(`${baseUrl}/h5/`)) await page.goto('about:blank');
  await page.goto(`${baseUrl}/h5/#${route}`);
}

/** Forget whoever is signed in on this phone. */
export async function signOut(page: Page, baseUrl: string): Promise<void> {
  await openRoute(page, baseUrl, '/pages/login/index');
  await page.evaluate(() => localStorage.clear());
}

/**
 * Sign in with the staff form and wait for the role's home page (the app routes by role):
 * technicians to the queue, the desk to its workbench, supervisors to the team board.
 */
export async function staffLogin(page: Page, baseUrl: string, username: string, home: string): Promise<void> {
  await signOut(page, baseUrl);
  await openRoute(page, baseUrl, '/pages/login/index');
  await tap(visible(page, '[aria-label="员工登录"]'));
  await visible(page, '[aria-label="账号"] input, input[aria-label="账号"]').fill(username);
  await visible(page, '[aria-label="密码"] input, input[aria-label="密码"]').fill(STAFF_PASSWORD);
  // The switch now reads 住户登录; the only visible 员工登录 is the submit button.
  await tap(visibleText(page, '员工登录'));
  await pageShown(page, home);
}

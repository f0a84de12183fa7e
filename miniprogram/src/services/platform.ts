/**
 * WeChat-only capabilities behind one module with a weapp and an h5 branch (TARO_ENV is a
 * build-time constant, so each build keeps only its own branch). On H5 there is no wx.login:
 * the code comes from the page (a `?code=` parameter or the demo login form); the server still
 * verifies every code with the (fake) WeChat API.
 */
import Taro from '@tarojs/taro';
import { SUBSCRIBE_RESULTS, type SubscribeResult } from '@linli/shared';
import { api } from './api';
import { appConfig } from './config';
import { ApiError } from './errors';
import { storage } from './storage';

export const isWeapp = process.env.TARO_ENV === 'weapp';
export const isH5 = process.env.TARO_ENV === 'h5';

/** H5: a login code handed over in the page URL (`?code=` before or after the hash). */
export function codeFromUrl(): string | null {
  if (!isH5 || typeof window === 'undefined') return null;
  const { search, hash } = window.location;
  const hashQuery = hash.includes('?') ? hash.slice(hash.indexOf('?')) : '';
  for (const q of [search, hashQuery]) {
    const code = new URLSearchParams(q).get('code');
    if (code) return code;
  }
  return null;
}

/** A login code for POST /api/auth/wechat: wx.login on weapp; on H5 the typed or URL code. */
export async function getLoginCode(typedCode?: string): Promise<string> {
  if (isWeapp) {
    const { code } = await Taro.login();
    return code;
  }
  const code = (typedCode ?? '').trim() || codeFromUrl();
  if (!code) throw new ApiError({ code: 'LOGIN_CODE_MISSING', status: 0 });
  return code;
}

/** Log in with WeChat (or the H5 code) and keep the session. */
export async function login(typedCode?: string) {
  const code = await getLoginCode(typedCode);
  const res = await api.loginWechat(code);
  // The fake WeChat maps the same demo code to the same openid: keep it for fake subscribing.
  if (isH5) storage.setDemoCode(code);
  return res;
}

function onlyResults(raw: Record<string, unknown>, ids: string[]): Record<string, SubscribeResult> {
  const out: Record<string, SubscribeResult> = {};
  for (const id of ids) {
    const v = raw[id];
    if (typeof v === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(v)) out[id] = v as SubscribeResult;
  }
  return out;
}

async function askWechat(ids: string[]): Promise<Record<string, SubscribeResult>> {
  const res = (await Taro.requestSubscribeMessage({ tmplIds: ids } as Taro.requestSubscribeMessage.Option)) as unknown;
  return onlyResults((res ?? {}) as Record<string, unknown>, ids);
}

/** H5 demo: let the demo server's fake WeChat "accept" the templates for this user's code. */
async function askFakeWechat(ids: string[]): Promise<Record<string, SubscribeResult>> {
  const code = storage.demoCode();
  if (!code) return {};
  const res = await Taro.request({
    url: `${appConfig.apiBase}/fake-wechat/fake/subscribe`,
    method: 'POST',
    header: { 'Content-Type': 'application/json' },
    data: { code, templateIds: ids },
  });
  const body = res.data as { errcode?: number; result?: Record<string, unknown> } | null;
  return body && body.errcode === 0 && body.result ? onlyResults(body.result, ids) : {};
}

/**
 * Ask for one-time subscriptions at a natural tap (submit, approve a quote, rate) and report
 * WeChat's answers to the server. WeChat wants it called straight from the tap handler, so
 * callers start it before awaiting anything. Never throws: a refused or failed subscription
 * leaves the in-app message list, and the app goes on.
 */
export async function requestSubscriptions(): Promise<Record<string, SubscribeResult>> {
  const ids = appConfig.subscribeTemplates;
  if (ids.length === 0) return {};
  try {
    let results: Record<string, SubscribeResult> = {};
    if (isWeapp) results = await askWechat(ids);
    else if (isH5 && appConfig.fakeWechat) results = await askFakeWechat(ids);
    if (Object.keys(results).length > 0) await api.reportSubscriptions(results);
    return results;
  } catch {
    return {};
  }
}

/** Dial a number; false when it is masked (138****1234) or missing and cannot be dialled. */
export function canDial(phone: string | null | undefined): phone is string {
  return !!phone && /^\+?\d{3,20}$/.test(phone);
}

export function callPhone(phone: string): void {
  void Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined);
}

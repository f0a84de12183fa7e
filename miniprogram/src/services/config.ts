/**
 * Build-time settings (TARO_APP_* from .env.[mode], overridable from the environment).
 * The only module that reads process.env besides TARO_ENV checks.
 */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const appConfig = {
  /** '' = the page's own origin (H5 served by the server). No trailing slash. */
  apiBase: (process.env.TARO_APP_API_BASE ?? '').replace(/\/+$/, ''),
  /** WeChat allows at most 3 templates per requestSubscribeMessage. */
  subscribeTemplates: list(process.env.TARO_APP_SUBSCRIBE_TEMPLATES).slice(0, 3),
  /** H5 only: subscribe through the demo server's fake WeChat. */
  fakeWechat: process.env.TARO_APP_FAKE_WECHAT === '1',
};

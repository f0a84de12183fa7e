// The build-time constants Taro's webpack config defines for an H5 build, before any Taro
// module loads. TARO_APP_* as in .env.production (same origin, no fake WeChat).
process.env.TARO_ENV = 'h5';
process.env.TARO_PLATFORM = 'web';
process.env.SUPPORT_TARO_POLYFILL = 'disabled';
process.env.TARO_APP_API_BASE = '';
process.env.TARO_APP_SUBSCRIBE_TEMPLATES = 'linli-order-status';
process.env.TARO_APP_FAKE_WECHAT = '0';

Object.assign(globalThis, {
  ENABLE_INNER_HTML: true,
  ENABLE_ADJACENT_HTML: false,
  ENABLE_SIZE_APIS: false,
  ENABLE_TEMPLATE_CONTENT: false,
  ENABLE_CLONE_NODE: false,
  ENABLE_CONTAINS: false,
  ENABLE_MUTATION_OBSERVER: false,
  DEPRECATED_ADAPTER_COMPONENT: false,
});

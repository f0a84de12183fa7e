/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform of this build. */
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'rn' | 'quickapp' | 'harmony';
    /** API origin; '' = the page's own origin (H5 served by the server). */
    TARO_APP_API_BASE: string;
    /** Comma-separated subscribe-message template ids. */
    TARO_APP_SUBSCRIBE_TEMPLATES: string;
    /** '1': on H5, subscribe through the demo server's fake WeChat. */
    TARO_APP_FAKE_WECHAT: string;
  }
}

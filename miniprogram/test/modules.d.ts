// Taro ships these runtime entry points without typings; the tests only wire them up.
declare module '@tarojs/plugin-framework-react/dist/runtime' {
  import type * as Taro from '@tarojs/taro';
  export const createReactApp: (...args: unknown[]) => unknown;
  export const useDidHide: typeof Taro.useDidHide;
  export const useDidShow: typeof Taro.useDidShow;
  export const useLoad: typeof Taro.useLoad;
  export const usePullDownRefresh: typeof Taro.usePullDownRefresh;
  export const useReachBottom: typeof Taro.useReachBottom;
  export const useReady: typeof Taro.useReady;
  export const useRouter: typeof Taro.useRouter;
  export const useUnload: typeof Taro.useUnload;
}

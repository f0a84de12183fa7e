// What `@tarojs/taro` is in an H5 build. There, Taro's Babel plugin turns `Taro.request(...)`
// into the named H5 API and the React hooks come from the framework plugin; here one object
// carries them all, so app code can call `Taro.x` and tests can stub `Taro.request`.
import * as h5 from '@tarojs/plugin-platform-h5/dist/runtime/apis';
import * as react from '@tarojs/plugin-framework-react/dist/runtime';

const { default: base, ...apis } = h5 as typeof h5 & { default: Record<string, unknown> };
const Taro = Object.assign(base, apis, {
  useDidHide: react.useDidHide,
  useDidShow: react.useDidShow,
  useLoad: react.useLoad,
  usePullDownRefresh: react.usePullDownRefresh,
  useReachBottom: react.useReachBottom,
  useReady: react.useReady,
  useRouter: react.useRouter,
  useUnload: react.useUnload,
});

export * from '@tarojs/plugin-platform-h5/dist/runtime/apis';
export {
  useDidHide,
  useDidShow,
  useLoad,
  usePullDownRefresh,
  useReachBottom,
  useReady,
  useRouter,
  useUnload,
} from '@tarojs/plugin-framework-react/dist/runtime';
export default Taro;

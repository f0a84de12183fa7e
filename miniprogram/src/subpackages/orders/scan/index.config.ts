export default definePageConfig({
  // H5: Taro's router draws its navigation bar (title, back on sub pages) only with 'default'.
  navigationStyle: 'default',
  navigationBarTitleText: '扫码报修',
});

export default definePageConfig({ navigationBarTitleText: '小区通知', enablePullDownRefresh: true });

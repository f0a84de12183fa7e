export default definePageConfig({ navigationBarTitleText: '重新匹配', enablePullDownRefresh: true });

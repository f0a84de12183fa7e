export default definePageConfig({ navigationBarTitleText: '巡检任务', enablePullDownRefresh: true });

export default definePageConfig({ navigationBarTitleText: '技术员工单', enablePullDownRefresh: true });

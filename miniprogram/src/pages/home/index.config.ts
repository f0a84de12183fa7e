export default definePageConfig({ navigationBarTitleText: '邻里报修', enablePullDownRefresh: true });

export default definePageConfig({ navigationBarTitleText: '巡检' });

export default definePageConfig({ navigationBarTitleText: '投诉 / 建议' });

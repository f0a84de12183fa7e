export default definePageConfig({ navigationBarTitleText: '小区满意度调查' });

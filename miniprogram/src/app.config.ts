// Main package: the entry pages only (login, home with the report sheet). Everything else is
// in subpackages, loaded on first visit, so the main package stays small.
export default defineAppConfig({
  pages: ['pages/home/index', 'pages/login/index'],
  subPackages: [
    {
      root: 'subpackages/orders',
      pages: ['list/index', 'detail/index', 'rate/index', 'feedback/index', 'scan/index', 'receipt/index'],
    },
    {
      root: 'subpackages/account',
      pages: [
        'bind/index',
        'messages/index',
        'settings/index',
        'prices/index',
        'survey/index',
        'household/index',
        'invite/index',
      ],
    },
    // The technician side: only staff download it.
    {
      root: 'subpackages/staff',
      pages: ['queue/index', 'order/index', 'settings/index', 'rounds/index', 'round/index'],
    },
    // The desk (客服) and supervisor (主管) side of staff mode.
    {
      root: 'subpackages/office',
      pages: [
        'desk/index',
        'new-order/index',
        'follow-ups/index',
        'complaints/index',
        'order/index',
        'board/index',
        'leave/index',
        'rematch/index',
        'notices/index',
      ],
    },
  ],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '邻里报修',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f4f5f7',
  },
  // Staff mode: 出发/到达 may carry the phone's position when the technician turned on 上报位置.
  permission: {
    'scope.userLocation': { desc: '用于就近派单和预计上门时间（可在“设置”中关闭上报位置）' },
  },
  requiredPrivateInfos: ['getLocation'],
});

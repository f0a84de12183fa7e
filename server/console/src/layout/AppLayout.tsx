import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { ROLE_LABELS } from '@linli/shared';
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useCurrentUser, useSession } from '../auth/session';
import { routesFor } from '../routes';

const { Header, Sider, Content } = Layout;

/** The signed-in shell: a side menu of the pages the user's role may open, and the page. */
export function AppLayout() {
  const user = useCurrentUser();
  const { logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const routes = routesFor(user.role);
  const selected = routes.find((r) => location.pathname === r.path || location.pathname.startsWith(`${r.path}/`));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={200} theme="dark" breakpoint="lg" collapsedWidth={64}>
        <div style={{ color: '#fff', fontSize: 18, fontWeight: 600, padding: '16px 20px', whiteSpace: 'nowrap' }}>
          邻里 · 控制台
        </div>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="side-menu"
          selectedKeys={selected ? [selected.path] : []}
          items={routes.map((r) => ({ key: r.path, icon: r.icon, label: r.label }))}
          onClick={({ key }) => void navigate(key)}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Typography.Title level={4} style={{ margin: 0 }}>
            {selected?.label ?? ''}
          </Typography.Title>
          <Space>
            <UserOutlined />
            <span data-testid="current-user">
              {user.name}（{ROLE_LABELS[user.role]}）
            </span>
            <Button icon={<LogoutOutlined />} onClick={logout}>
              退出登录
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: 16, overflow: 'auto' }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
            <Routes>
              {routes.map((r) => (
                <Route key={r.path} path={`${r.path}/*`} element={<r.component />} />
              ))}
              <Route path="*" element={<Navigate to={routes[0]?.path ?? '/login'} replace />} />
            </Routes>
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}

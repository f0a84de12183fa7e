import { Spin } from 'antd';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { useSession } from './auth/session';
import { AppLayout } from './layout/AppLayout';
import ChangePasswordPage from './pages/login/ChangePasswordPage';
import LoginPage from './pages/login/LoginPage';

function Gate() {
  const { user, loading, mustChangePassword } = useSession();
  if (loading) return <Spin fullscreen />;
  if (mustChangePassword) return <ChangePasswordPage />;
  if (!user) {
    return (
      <Routes>
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/login" element={<Navigate to="/" replace />} />
      <Route path="*" element={<AppLayout />} />
    </Routes>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Gate />
    </BrowserRouter>
  );
}

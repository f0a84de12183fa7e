import { useEffect, useRef, useState } from 'react';
import { PASSWORD_PROBLEM_LABELS, passwordProblem } from '@linli/shared';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Screen } from '../../components/screen';
import { homeFor } from '../../hooks/use-session';
import { api } from '../../services/api';
import { textOf } from '../../services/errors';
import { codeFromUrl, isH5, login } from '../../services/platform';
import './index.scss';

/**
 * WeChat login. On weapp one tap (wx.login). On H5 there is no WeChat: a `?code=` in the URL
 * logs in at once, or the tester types a code (demo: resident1..resident20); the server checks
 * it with the (fake) WeChat API either way. 员工登录 switches to username + password for staff,
 * who land on the staff queue (a subpackage); residents land on the home page. A staff account
 * whose password an admin chose (new, or reset) must first set its own: 设置新密码, with the
 * password just typed as the old one (docs/staff-mode.md).
 */
export default function LoginPage() {
  const [staff, setStaff] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  /** Signed in, but the account must set its own password before anything else. */
  const [changing, setChanging] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  const submit = async (typed?: string) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      const res = await login(typed);
      await Taro.reLaunch({ url: homeFor(res.user.role) });
    } catch (err) {
      setError(textOf(err));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const submitStaff = async () => {
    if (busyRef.current) return;
    if (!username.trim() || !password) {
      setError('请输入账号和密码');
      return;
    }
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      const res = await api.loginPassword(username.trim(), password);
      if (res.user.mustChangePassword) setChanging(true);
      else await Taro.reLaunch({ url: homeFor(res.user.role) });
    } catch (err) {
      setError(textOf(err));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  const submitNewPassword = async () => {
    if (busyRef.current) return;
    const problem = passwordProblem(newPassword, { username: username.trim(), oldPassword: password });
    if (problem) {
      setError(PASSWORD_PROBLEM_LABELS[problem]);
      return;
    }
    if (newPassword !== confirm) {
      setError('两次输入的新密码不一致');
      return;
    }
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      const res = await api.changePassword(password, newPassword);
      await Taro.reLaunch({ url: homeFor(res.user.role) });
    } catch (err) {
      setError(textOf(err));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  };

  useEffect(() => {
    if (isH5 && codeFromUrl()) void submit();
  }, []);

  if (changing) {
    return (
      <Screen className="login">
        <View className="login-brand">
          <Text className="login-logo">设置新密码</Text>
          <Text className="login-slogan">密码由管理员设置，请先设置自己的新密码</Text>
        </View>
        {error && (
          <View className="error-banner" role="alert">
            {error}
          </View>
        )}
        <View className="card">
          <View className="field">
            <View className="field-label">新密码</View>
            <Input
              className="input"
              value={newPassword}
              password
              placeholder="至少 8 位，不能全是数字"
              placeholderClass="placeholder"
              maxlength={128}
              onInput={(e) => setNewPassword(e.detail.value)}
              aria-label="新密码"
            />
          </View>
          <View className="field">
            <View className="field-label">确认新密码</View>
            <Input
              className="input"
              value={confirm}
              password
              placeholder="再次输入新密码"
              placeholderClass="placeholder"
              maxlength={128}
              onInput={(e) => setConfirm(e.detail.value)}
              onConfirm={() => void submitNewPassword()}
              aria-label="确认新密码"
            />
          </View>
          <View
            className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
            onClick={() => void submitNewPassword()}
            role="button"
          >
            {busy ? '保存中…' : '保存新密码'}
          </View>
        </View>
      </Screen>
    );
  }

  return (
    <Screen className="login">
      <View className="login-brand">
        <Text className="login-logo">邻里</Text>
        <Text className="login-slogan">物业报修 · 一键上门</Text>
      </View>

      {error && (
        <View className="error-banner" role="alert">
          {error}
        </View>
      )}

      {staff ? (
        <View className="card">
          <View className="field">
            <View className="field-label">账号</View>
            <Input
              className="input"
              value={username}
              placeholder="员工账号"
              placeholderClass="placeholder"
              maxlength={64}
              onInput={(e) => setUsername(e.detail.value)}
              aria-label="账号"
            />
          </View>
          <View className="field">
            <View className="field-label">密码</View>
            <Input
              className="input"
              value={password}
              password
              placeholder="密码"
              placeholderClass="placeholder"
              maxlength={128}
              onInput={(e) => setPassword(e.detail.value)}
              onConfirm={() => void submitStaff()}
              aria-label="密码"
            />
          </View>
          <View
            className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
            onClick={() => void submitStaff()}
            role="button"
          >
            {busy ? '登录中…' : '员工登录'}
          </View>
        </View>
      ) : isH5 ? (
        <View className="card">
          <View className="field">
            <View className="field-label">登录码</View>
            <Input
              className="input"
              value={code}
              placeholder="演示账号：resident1"
              placeholderClass="placeholder"
              maxlength={64}
              onInput={(e) => setCode(e.detail.value)}
              onConfirm={() => void submit(code)}
              aria-label="登录码"
            />
          </View>
          <View
            className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
            onClick={() => void submit(code)}
            role="button"
          >
            {busy ? '登录中…' : '登录'}
          </View>
          <View className="muted login-hint">网页版用于测试：输入微信登录码，由服务器向微信核验。</View>
        </View>
      ) : (
        <View
          className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
          onClick={() => void submit()}
          role="button"
        >
          {busy ? '登录中…' : '微信一键登录'}
        </View>
      )}

      <View
        className="login-switch link-btn"
        onClick={() => {
          setError(null);
          setStaff((v) => !v);
        }}
        role="switch"
        aria-checked={staff}
        aria-label="员工登录"
      >
        {staff ? '住户登录' : '员工登录'}
      </View>
    </Screen>
  );
}

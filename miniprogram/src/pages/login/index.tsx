import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Screen } from '../../components/screen';
import { textOf } from '../../services/errors';
import { codeFromUrl, isH5, login } from '../../services/platform';
import './index.scss';

/**
 * WeChat login. On weapp one tap (wx.login). On H5 there is no WeChat: a `?code=` in the URL
 * logs in at once, or the tester types a code (demo: resident1..resident20); the server checks
 * it with the (fake) WeChat API either way.
 */
export default function LoginPage() {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  const submit = async (typed?: string) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      await login(typed);
      await Taro.reLaunch({ url: '/pages/home/index' });
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

      {isH5 ? (
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
    </Screen>
  );
}

import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, View } from '@tarojs/components';
import { api, type PhoneProofInput } from '../../services/api';
import { textOf } from '../../services/errors';
import './index.scss';

const PHONE = /^(\+?86)?1\d{10}$/;
/** The server sends one code per phone per 60 s (docs/sms.md). */
const RESEND_SECONDS = 60;

export interface SmsProof {
  phone: string;
  setPhone: (v: string) => void;
  smsCode: string;
  setSmsCode: (v: string) => void;
  resendIn: number;
  sendCode: () => Promise<void>;
  /** The proof to send, or null after reporting what is missing through `onError`. */
  proof: () => PhoneProofInput | null;
}

/**
 * The H5 phone proof (docs/households.md): the phone, 获取验证码 with its 60 s wait, and the code.
 * Where WeChat is available the pages use its phone-number button instead.
 */
export function useSmsProof(initialPhone: string, onError: (message: string | null) => void): SmsProof {
  const [phone, setPhone] = useState(initialPhone);
  const [smsCode, setSmsCode] = useState('');
  const [resendIn, setResendIn] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );

  const sendCode = async () => {
    if (resendIn > 0) return;
    if (!PHONE.test(phone.trim())) return onError('请填写正确的手机号');
    onError(null);
    try {
      await api.sendSmsCode(phone.trim(), 'bind');
      setResendIn(RESEND_SECONDS);
      if (timer.current) clearInterval(timer.current);
      timer.current = setInterval(() => {
        setResendIn((s) => {
          if (s <= 1 && timer.current) clearInterval(timer.current);
          return Math.max(0, s - 1);
        });
      }, 1000);
      void Taro.showToast({ title: '验证码已发送', icon: 'none' });
    } catch (err) {
      onError(textOf(err));
    }
  };

  const proof = (): PhoneProofInput | null => {
    if (!PHONE.test(phone.trim())) {
      onError('请填写正确的手机号');
      return null;
    }
    if (!/^\d{6}$/.test(smsCode.trim())) {
      onError('请填写短信验证码（6位数字）');
      return null;
    }
    return { phone: phone.trim(), smsCode: smsCode.trim() };
  };

  return { phone, setPhone, smsCode, setSmsCode, resendIn, sendCode, proof };
}

/** The fields of `useSmsProof`: 手机号 with 获取验证码, then 验证码. */
export function SmsProofFields({ sms, hint }: { sms: SmsProof; hint?: string }) {
  return (
    <>
      <View className="field">
        <View className="field-label">手机号</View>
        <View className="row sms-proof">
          <Input
            className="input sms-proof-input"
            type="number"
            value={sms.phone}
            maxlength={14}
            onInput={(e) => sms.setPhone(e.detail.value)}
            aria-label="手机号"
          />
          <View
            className={`btn sms-proof-btn ${sms.resendIn > 0 ? 'btn-disabled' : ''}`}
            onClick={() => void sms.sendCode()}
            role="button"
          >
            {sms.resendIn > 0 ? `${sms.resendIn}秒后重发` : '获取验证码'}
          </View>
        </View>
      </View>
      <View className="field">
        <View className="field-label">验证码</View>
        <Input
          className="input"
          type="number"
          value={sms.smsCode}
          maxlength={6}
          onInput={(e) => sms.setSmsCode(e.detail.value)}
          aria-label="验证码"
        />
        {hint && <View className="muted bind-hint">{hint}</View>}
      </View>
    </>
  );
}

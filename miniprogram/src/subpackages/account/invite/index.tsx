import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  inviteCodeFromQr,
  normalizeInviteCode,
  realNameOf,
  RELATION_LABELS,
  type HouseBindingView,
} from '@linli/shared';
import { Screen } from '../../../components/screen';
import { SmsProofFields, useSmsProof } from '../../../components/sms-proof';
import { api, ApiError, type PhoneProofInput } from '../../../services/api';
import { textOf } from '../../../services/errors';
import { isWeapp } from '../../../services/platform';
import { storage } from '../../../services/storage';

const INVITE_ERRORS: Record<string, string> = {
  NOT_FOUND: '邀请码不存在或已撤回，请核对后重试',
  INVITE_USED: '这个邀请码已被使用，请让业主重新邀请',
  INVITE_EXPIRED: '邀请码已过期（7天有效），请让业主重新邀请',
  BINDING_EXISTS: '您已经绑定了这套房屋',
};

/**
 * 加入家庭: the invitee types (or opens a link with) the owner's invite code, proves the phone
 * (WeChat's phone-number button, or an SMS code on H5) and is bound with the invite's relation.
 */
export default function InvitePage() {
  const router = useRouter();
  const [code, setCode] = useState(router.params?.code ?? '');
  const [name, setName] = useState(realNameOf(storage.user()?.name));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sms = useSmsProof(storage.user()?.phone ?? '', setError);
  const [done, setDone] = useState<HouseBindingView | null>(null);

  const check = (): boolean => {
    if (normalizeInviteCode(code).length < 4) return (setError('请填写邀请码'), false);
    if (!name.trim()) return (setError('请填写姓名'), false);
    return true;
  };

  const accept = async (proof: PhoneProofInput) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setDone(await api.acceptInvite({ code: normalizeInviteCode(code), name: name.trim(), ...proof }));
    } catch (err) {
      setError(err instanceof ApiError && INVITE_ERRORS[err.code] ? INVITE_ERRORS[err.code] : textOf(err));
    } finally {
      setBusy(false);
    }
  };

  /** Mini-program: scan the QR on the owner's phone (it holds the code). */
  const scan = async () => {
    try {
      const { result } = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode'] });
      const scanned = inviteCodeFromQr(result);
      if (scanned) {
        setCode(scanned);
        setError(null);
      } else setError('这不是邻里的邀请二维码');
    } catch {
      // Cancelled: nothing to do.
    }
  };

  if (done) {
    return (
      <Screen className="bind">
        <View className="card bind-result">
          <Text className="bind-result-mark bind-ok">✓</Text>
          <View className="title">已加入</View>
          <View className="large">
            {done.communityName} {done.houseLabel}（{RELATION_LABELS[done.relation]}）
          </View>
          <View
            className="btn btn-primary btn-block"
            onClick={() => void Taro.reLaunch({ url: '/pages/home/index' })}
            role="button"
          >
            去报修
          </View>
        </View>
      </Screen>
    );
  }

  return (
    <Screen className="bind">
      <View className="card">
        <View className="card-title">输入业主给您的邀请码</View>
        <View className="field">
          <View className="field-label">邀请码</View>
          <Input
            className="input"
            value={code}
            maxlength={12}
            onInput={(e) => setCode(e.detail.value)}
            aria-label="邀请码"
          />
          {isWeapp && (
            <View className="btn" onClick={() => void scan()} role="button">
              扫描邀请二维码
            </View>
          )}
        </View>
        <View className="field">
          <View className="field-label">姓名</View>
          <Input
            className="input"
            value={name}
            maxlength={50}
            onInput={(e) => setName(e.detail.value)}
            aria-label="姓名"
          />
        </View>
        {error && (
          <View className="error-text" role="alert">
            {error}
          </View>
        )}
        {isWeapp ? (
          <Button
            className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
            openType="getPhoneNumber"
            onGetPhoneNumber={(e) => {
              const phoneCode = (e.detail as { code?: string }).code;
              if (!check()) return;
              if (!phoneCode) return setError('需要授权微信手机号才能验证身份');
              void accept({ phoneCode });
            }}
          >
            微信手机号验证并加入
          </Button>
        ) : (
          <>
            <SmsProofFields sms={sms} />
            <View
              className={`btn btn-primary btn-block ${busy ? 'btn-disabled' : ''}`}
              onClick={() => {
                if (!check()) return;
                const proof = sms.proof();
                if (proof) void accept(proof);
              }}
              role="button"
            >
              加入
            </View>
          </>
        )}
      </View>
    </Screen>
  );
}

/**
 * The one catalogue of error codes Linli returns. The HTTP status belongs to the code;
 * `zh` is the text a client shows a person when it has nothing more specific.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, zh: '提交的信息有误，请检查后重试' },
  QUOTE_REASON_REQUIRED: { status: 400, zh: '不在收费标准内或高于标准价的项目需要填写原因' },
  QUOTE_ITEM_NOT_ON_LIST: { status: 400, zh: '本小区的收费标准中没有该项目，请刷新后重选' },
  BILL_REQUIRED: { status: 400, zh: '请填写实际使用的项目和数量，或标记为免费维修' },
  BILL_LINE_UNKNOWN: { status: 400, zh: '账单项目不在已同意的报价中' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, zh: '请求标识无效' },
  IMAGE_INVALID: { status: 400, zh: '图片无法识别，请重新拍摄或选择照片' },
  PHONE_PROOF_REQUIRED: { status: 400, zh: '请先验证手机号（微信授权或短信验证码）' },
  PHONE_CODE_INVALID: { status: 400, zh: '手机号授权已失效，请重新授权' },
  SMS_CODE_INVALID: { status: 400, zh: '验证码错误或已失效，请重新获取' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误' },
  WECHAT_CODE_INVALID: { status: 401, zh: '微信登录已失效，请重试' },
  FORBIDDEN: { status: 403, zh: '没有权限执行此操作' },
  DEMO_LOGIN_DISABLED: { status: 403, zh: '演示账号在生产环境不可用' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '请先设置新密码' },
  WECHAT_USER_BLOCKED: { status: 403, zh: '微信账号存在风险，暂无法登录' },
  HOUSEHOLD_OWNER_ONLY: { status: 403, zh: '只有业主可以管理家庭成员' },
  FEE_APPROVAL_NOT_ALLOWED: { status: 403, zh: '只有业主或业主授权的家庭成员可以审批费用' },
  REPORTER_ONLY: { status: 403, zh: '只有报修人可以确认完成和评价' },
  QR_FOREIGN_PLACE: { status: 403, zh: '这个二维码不属于您居住的小区，无法在此报修' },
  NOT_FOUND: { status: 404, zh: '内容不存在或已删除' },
  VERSION_CONFLICT: { status: 409, zh: '工单已被他人更新，请刷新后重试' },
  TRANSITION_NOT_ALLOWED: { status: 409, zh: '当前状态下不能执行此操作' },
  QUOTE_AWAITS_SUPERVISOR: { status: 409, zh: '报价超过上限，正在等待主管审核' },
  BILL_OVER_QUOTE: { status: 409, zh: '账单金额超过已同意的报价，请重新报价并等住户同意' },
  BILL_UNPAID: { status: 409, zh: '维修账单尚未支付，支付或由物业减免后才能关闭工单' },
  BILL_NOT_UNPAID: { status: 409, zh: '账单不是待支付状态' },
  SURVEY_ALREADY_ANSWERED: { status: 409, zh: '您已提交过本期调查，每人每期只能提交一次' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, zh: '同一请求标识已用于不同的内容' },
  USERNAME_TAKEN: { status: 409, zh: '用户名已被使用，请换一个' },
  BINDING_EXISTS: { status: 409, zh: '已提交过该房屋的绑定申请' },
  STAFF_HAS_OPEN_ORDERS: { status: 409, zh: '该员工还有未完成的工单，请先改派后再停用或更换角色' },
  BILL_NOT_PAYABLE: { status: 409, zh: '账单已结清或无需支付' },
  REFUND_EXCEEDS_PAID: { status: 409, zh: '退款金额超过可退金额' },
  LAST_ADMIN: { status: 409, zh: '公司至少需要保留一位在职的管理员' },
  OWN_ACCOUNT: { status: 409, zh: '不能停用自己的账号或更改自己的角色' },
  COMPLAINT_ABOUT_ASSIGNEE: { status: 409, zh: '不能把投诉派给被投诉的师傅，请换一位' },
  INVITE_USED: { status: 409, zh: '邀请码已被使用' },
  INVITE_EXPIRED: { status: 410, zh: '邀请码已过期，请让业主重新邀请' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '文件或内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的文件类型' },
  IMPORT_INVALID: { status: 422, zh: '导入文件有误，未导入任何数据，请按报告修改后重试' },
  RATE_LIMITED: { status: 429, zh: '操作太频繁，请稍后再试' },
  LOGIN_THROTTLED: { status: 429, zh: '密码错误次数过多，请稍后再试' },
  URGE_TOO_SOON: { status: 429, zh: '已催单，30分钟内只能催一次，请稍后再催' },
  WECHAT_RATE_LIMITED: { status: 429, zh: '微信登录太频繁，请稍后再试' },
  SMS_CODE_TOO_SOON: { status: 429, zh: '验证码已发送，60秒内只能获取一次' },
  SMS_CODE_DAILY_LIMIT: { status: 429, zh: '今日获取验证码次数已达上限，请明天再试' },
  INSPECTION_TIME_INVALID: { status: 400, zh: '手机时间异常，请校准时间后重试' },
  INSPECTION_CODE_MISMATCH: { status: 400, zh: '扫到的不是本巡检点的二维码' },
  INSPECTION_PHOTO_REQUIRED: { status: 400, zh: '该检查项需要拍照' },
  INSPECTION_NOT_SCANNED: { status: 409, zh: '请先扫描巡检点二维码' },
  INSPECTION_ITEM_DONE: { status: 409, zh: '该检查项已提交过' },
  ROUND_NOT_OPEN: { status: 409, zh: '该巡检任务当前不能执行' },
  INTERNAL_ERROR: { status: 500, zh: '系统开小差了，请稍后再试' },
  WECHAT_UNAVAILABLE: { status: 503, zh: '微信服务繁忙，请稍后再试' },
  PAYMENT_UNAVAILABLE: { status: 503, zh: '微信支付暂不可用，请稍后再试或到前台支付' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂不可用，请稍后再试' },
} as const satisfies Record<string, { status: number; zh: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The body of every error answer. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  requestId?: string;
}

/** One failed field of a VALIDATION_FAILED answer. */
export interface FieldError {
  field: string;
  problems: string[];
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, code);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

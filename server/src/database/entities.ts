import { AuditLog } from '../modules/audit/audit-log.entity.js';
import { FeeSetting, OrderBill } from '../modules/billing/bill.entity.js';
import { Category } from '../modules/categories/category.entity.js';
import {
  Building,
  Community,
  Company,
  House,
  HouseRegistryEntry,
  PublicArea,
  Unit,
} from '../modules/places/place.entities.js';
import { HouseBinding, HouseInvite } from '../modules/residents/house-binding.entity.js';
import {
  InspectionCheck,
  InspectionPlan,
  InspectionPoint,
  InspectionRound,
  InspectionVisit,
} from '../modules/inspections/inspection.entities.js';
import { ScheduledJob } from '../modules/jobs/job.entity.js';
import {
  Notification,
  NotificationDelivery,
  OutboxEvent,
  WechatSubscription,
} from '../modules/notifications/notification.entities.js';
import { SmsCode, SmsCodeQuota, SmsMessage } from '../modules/sms/sms.entities.js';
import { RoutingDecisionRecord, RoutingRule } from '../modules/routing/routing.entities.js';
import { SlaClockRow, SlaEscalation, SlaPolicy } from '../modules/sla/sla.entities.js';
import {
  ShiftExceptionRow,
  ShiftPattern,
  StaffBuilding,
  StaffLeave,
  Team,
  TeamMember,
  TechnicianProfile,
  TechnicianSkill,
} from '../modules/staff/staff.entities.js';
import {
  FollowUp,
  Rating,
  RollupDirty,
  SatisfactionCommunity,
  SatisfactionCube,
  SatisfactionDaily,
  SatisfactionHotspot,
  SatisfactionSketch,
} from '../modules/satisfaction/satisfaction.entities.js';
import { Notice } from '../modules/notices/notice.entity.js';
import { Survey, SurveyResponse, SurveySchedule } from '../modules/surveys/survey.entities.js';
import { PriceItem } from '../modules/price-list/price-item.entity.js';
import { Payment, PaymentLedgerEntry, PaymentRefund } from '../modules/payments/payment.entities.js';
import { Upload } from '../modules/uploads/upload.entity.js';
import { StaffCommunity, User } from '../modules/users/user.entities.js';
import {
  IdempotencyRecord,
  OrderSequence,
  WorkOrder,
  WorkOrderEvent,
} from '../modules/work-orders/work-order.entities.js';
import { WorkOrderMerge, WorkOrderReporter } from '../modules/work-orders/shared-fault.entities.js';

/** Every entity of the schema: the one list the data source, migrations and tests use. */
export const ENTITIES = [
  Company,
  Community,
  Building,
  Unit,
  House,
  HouseRegistryEntry,
  PublicArea,
  User,
  StaffCommunity,
  HouseBinding,
  HouseInvite,
  Category,
  WorkOrder,
  WorkOrderEvent,
  IdempotencyRecord,
  OrderSequence,
  WorkOrderReporter,
  WorkOrderMerge,
  Notice,
  Upload,
  TechnicianProfile,
  TechnicianSkill,
  Team,
  TeamMember,
  StaffBuilding,
  ShiftPattern,
  ShiftExceptionRow,
  StaffLeave,
  RoutingRule,
  RoutingDecisionRecord,
  SlaPolicy,
  SlaClockRow,
  SlaEscalation,
  ScheduledJob,
  OutboxEvent,
  Notification,
  NotificationDelivery,
  WechatSubscription,
  SmsCode,
  SmsCodeQuota,
  SmsMessage,
  Rating,
  FollowUp,
  SatisfactionDaily,
  SatisfactionCube,
  SatisfactionCommunity,
  SatisfactionHotspot,
  SatisfactionSketch,
  RollupDirty,
  Survey,
  SurveyResponse,
  SurveySchedule,
  PriceItem,
  AuditLog,
  OrderBill,
  FeeSetting,
  Payment,
  PaymentRefund,
  PaymentLedgerEntry,
  InspectionPoint,
  InspectionPlan,
  InspectionRound,
  InspectionVisit,
  InspectionCheck,
];

import { Init1795762195336 } from './1795762195336-Init.js';
import { RoutingSlaNotifications1795763763554 } from './1795763763554-RoutingSlaNotifications.js';
import { Satisfaction1795764895966 } from './1795764895966-Satisfaction.js';
import { ScoreIndexes1795767611166 } from './1795767611166-ScoreIndexes.js';
import { PriceList1795768763906 } from './1795768763906-PriceList.js';
import { AuditLog1795772158178 } from './1795772158178-AuditLog.js';
import { CompactRoutingDecision1796236016093 } from './1796236016093-CompactRoutingDecision.js';
import { CommunityServicePhone1796308500042 } from './1796308500042-CommunityServicePhone.js';
import { StaffModeOrderFields1796308900000 } from './1796308900000-StaffModeOrderFields.js';
import { BuildingCoordinates1796400100000 } from './1796400100000-BuildingCoordinates.js';
import { RatingComplaint1796400400000 } from './1796400400000-RatingComplaint.js';
import { AccountLifecycle1796400500000 } from './1796400500000-AccountLifecycle.js';
import { ProvenHouseholds1796400700000 } from './1796400700000-ProvenHouseholds.js';
import { Sms1796400800000 } from './1796400800000-Sms.js';
import { CompletedByCompany1796400900000 } from './1796400900000-CompletedByCompany.js';
import { Payments1796401100000 } from './1796401100000-Payments.js';
import { Billing1796401200000 } from './1796401200000-Billing.js';
import { ScoreCube1796401300000 } from './1796401300000-ScoreCube.js';
import { ScoreHotspots1796401300001 } from './1796401300001-ScoreHotspots.js';
import { ScoreCommunityCube1796401300002 } from './1796401300002-ScoreCommunityCube.js';
import { Inspections1796401400000 } from './1796401400000-Inspections.js';
import { MaintenanceOrders1796401410000 } from './1796401410000-MaintenanceOrders.js';
import { NoticesSharedFaults1796401500000 } from './1796401500000-NoticesSharedFaults.js';
import { PeriodicSurveys1796401600000 } from './1796401600000-PeriodicSurveys.js';

/** In order of their timestamps. */
export const SQLITE_MIGRATIONS: Function[] = [
  Init1795762195336,
  RoutingSlaNotifications1795763763554,
  Satisfaction1795764895966,
  ScoreIndexes1795767611166,
  PriceList1795768763906,
  AuditLog1795772158178,
  CompactRoutingDecision1796236016093,
  CommunityServicePhone1796308500042,
  StaffModeOrderFields1796308900000,
  BuildingCoordinates1796400100000,
  RatingComplaint1796400400000,
  AccountLifecycle1796400500000,
  ProvenHouseholds1796400700000,
  Sms1796400800000,
  CompletedByCompany1796400900000,
  Payments1796401100000,
  Billing1796401200000,
  ScoreCube1796401300000,
  ScoreHotspots1796401300001,
  ScoreCommunityCube1796401300002,
  Inspections1796401400000,
  MaintenanceOrders1796401410000,
  NoticesSharedFaults1796401500000,
  PeriodicSurveys1796401600000,
];

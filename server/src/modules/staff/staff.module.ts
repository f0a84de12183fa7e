import { Module } from '@nestjs/common';
import { CategoriesModule } from '../categories/categories.module.js';
import { PlacesModule } from '../places/places.module.js';
import { ScoresModule } from '../satisfaction/scores.module.js';
import { WorkOrdersModule } from '../work-orders/work-orders.module.js';
import { BoardController } from './board.controller.js';
import { BoardService } from './board.service.js';
import { LeaveController } from './leave.controller.js';
import { LeaveRepository } from './leave.repository.js';
import { LeaveService } from './leave.service.js';
import { QualityGrades } from './quality-grades.js';
import { RosterCache } from './roster-cache.js';
import { StaffController } from './staff.controller.js';
import { StaffRepository } from './staff.repository.js';
import { StaffService } from './staff.service.js';
import { StaffAccountsService } from './staff-accounts.service.js';
import { TeamsController } from './teams.controller.js';
import { TeamsRepository } from './teams.repository.js';
import { TeamsService } from './teams.service.js';
import { TechnicianPositions } from './technician-positions.js';

/**
 * Staff, teams, rosters and leave; exports StaffRepository (loadCandidates) for routing,
 * TeamsRepository for routing rules, TechnicianPositions (where each technician is) for routing
 * and arrival estimates, StaffAccountsService (createAccounts) for the master-data import's 员工 sheet.
 */
@Module({
  // ScoresModule: RollupService, the rollups routing's quality grades are read from.
  imports: [CategoriesModule, PlacesModule, WorkOrdersModule, ScoresModule],
  // BoardController first: `/staff/board` must match before `/staff/:id`.
  controllers: [BoardController, StaffController, TeamsController, LeaveController],
  providers: [
    BoardService,
    RosterCache,
    StaffRepository,
    StaffService,
    StaffAccountsService,
    TeamsRepository,
    TeamsService,
    LeaveRepository,
    LeaveService,
    TechnicianPositions,
    QualityGrades,
  ],
  exports: [StaffRepository, TeamsRepository, TechnicianPositions, StaffAccountsService],
})
export class StaffModule {}

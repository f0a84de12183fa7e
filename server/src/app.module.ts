import { createSecretKey } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard } from './common/auth/auth.guard.js';
import { RateLimitGuard } from './common/rate-limit.js';
import { RateLimitModule } from './common/rate-limit.module.js';
import { WriteLockInterceptor } from './common/write-lock.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { dataSourceOptions } from './database/data-source.js';
import { ArrivalModule } from './modules/arrival/arrival.module.js';
import { AccountsModule } from './modules/accounts/accounts.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { BillingModule } from './modules/billing/billing.module.js';
import { ImportsModule } from './modules/imports/imports.module.js';
import { InspectionsModule } from './modules/inspections/inspections.module.js';
import { CategoriesModule } from './modules/categories/categories.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { PlacesModule } from './modules/places/places.module.js';
import { PriceListModule } from './modules/price-list/price-list.module.js';
import { ResidentsModule } from './modules/residents/residents.module.js';
import { RoutingRulesModule } from './modules/routing/routing-rules.module.js';
import { RoutingModule } from './modules/routing/routing.module.js';
import { ScoresModule } from './modules/satisfaction/scores.module.js';
import { SlaPoliciesModule } from './modules/sla/sla-policies.module.js';
import { SlaModule } from './modules/sla/sla.module.js';
import { StaffModule } from './modules/staff/staff.module.js';
import { MyDayModule } from './modules/staff/my-day.module.js';
import { UploadsModule } from './modules/uploads/uploads.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { JobsModule } from './modules/jobs/jobs.module.js';
import { LiveModule } from './modules/live/live.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { SmsModule } from './modules/sms/sms.module.js';
import { WorkOrdersModule } from './modules/work-orders/work-orders.module.js';
import { RatingsModule } from './modules/satisfaction/ratings.module.js';
import { PaymentsModule } from './modules/payments/payments.module.js';
import { SurveysModule } from './modules/surveys/surveys.module.js';
import { NoticesModule } from './modules/notices/notices.module.js';
import { QrModule } from './modules/qr/qr.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.db)),
        JwtModule.register({
          global: true,
          // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a PEM
          // key on every sign and verify, 3.6% of a request's CPU in the create profile.
          secret: createSecretKey(Buffer.from(config.jwt.secret, 'utf8')),
          signOptions: { algorithm: 'HS256', expiresIn: config.jwt.ttlSeconds },
          verifyOptions: { algorithms: ['HS256'] },
        }),
        RateLimitModule,
        MetricsModule,
        JobsModule,
        UsersModule,
        AuthModule,
        AccountsModule,
        PlacesModule,
        ResidentsModule,
        CategoriesModule,
        UploadsModule,
        WorkOrdersModule,
        RoutingModule,
        SlaModule,
        StaffModule,
        RoutingRulesModule,
        SlaPoliciesModule,
        NotificationsModule,
        SmsModule,
        RatingsModule,
        SurveysModule,
        PaymentsModule,
        NoticesModule,
        QrModule,
        ScoresModule,
        PriceListModule,
        HealthModule,
        AuditModule,
        ImportsModule,
        MyDayModule,
        LiveModule,
        ArrivalModule,
        BillingModule,
        InspectionsModule,
      ],
      providers: [
        // Order matters: authenticate first, so limits can count per user too.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: WriteLockInterceptor },
      ],
    };
  }
}

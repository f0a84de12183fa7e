import { Inject, Injectable } from '@nestjs/common';
import type { ShiftException, WeeklyShift } from '@linli/shared';
import { ReadCache } from '../../common/read-cache.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';

/** What a technician's roster says for one China day: set by admins, read by every routing batch. */
export interface RosterFacts {
  skills: Array<{ category: string; level: number }>;
  communityIds: number[];
  buildingIds: number[];
  teamIds: number[];
  pattern: WeeklyShift[];
  exceptions: ShiftException[];
}

/**
 * Roster facts per technician and China day (key `userId:day`), cached like the configuration
 * rows (common/read-cache.ts, LINLI_CONFIG_CACHE_MS). Every write of skills, service area,
 * buildings, teams or shifts in the staff module forgets them all. Live on every read, never
 * cached: who is active, leave, open orders, capacity and last assignment.
 */
@Injectable()
export class RosterCache {
  readonly facts: ReadCache<string, RosterFacts | null>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.facts = new ReadCache(config.configCacheMs);
  }

  forget(): void {
    this.facts.forget();
  }
}

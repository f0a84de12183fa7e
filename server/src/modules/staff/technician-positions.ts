import { Inject, Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { PlacesRepository } from '../places/places.repository.js';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository.js';
import { TechnicianProfile } from './staff.entities.js';

/** Where a technician's position comes from (docs/routing.md "Technician position"). */
export type PositionSource = 'reported' | 'current_job' | 'last_job';

export interface TechnicianPosition {
  latitude: number;
  longitude: number;
  source: PositionSource;
}

/** A position the phone reported longer ago than this is ignored. */
export const POSITION_MAX_AGE_MS = 2 * 60 * 60 * 1000;
/** A completed job older than this says nothing about where its technician is now. */
export const LAST_JOB_MAX_AGE_MS = 24 * 3_600_000;

/** Statuses of the job a technician is at or on the way to, most telling first. */
export const CURRENT_JOB_STATUSES = ['in_progress', 'on_the_way', 'accepted'] as const;

interface JobPlace {
  id: number;
  communityId: number;
  houseId: number | null;
  publicAreaId: number | null;
}

const known = (p: { latitude: number | null; longitude: number | null } | undefined) =>
  p !== undefined && p.latitude !== null && p.longitude !== null;

/**
 * Where each technician most likely is at `now`, in a fixed number of queries whatever the
 * number of technicians (routing's batch path reads all of a company's technicians at once):
 *
 * 1. the position their phone reported at 出发/到达 (with their consent) if at most
 *    POSITION_MAX_AGE_MS old;
 * 2. else the place of their current job (in progress, on the way, accepted; the most advanced,
 *    then the most recently changed);
 * 3. else the place of the last job they completed in the last LAST_JOB_MAX_AGE_MS (older is
 *    no guide to where they are, and the bound keeps the read to a day of the company's
 *    completions, on the (companyId, completedAt) index, however long its history);
 *
 * where a job's place is its building's coordinates, else its community's. null: nothing known.
 */
@Injectable()
export class TechnicianPositions {
  constructor(
    @Inject(PlacesRepository) private readonly places: PlacesRepository,
    @Inject(WorkOrdersRepository) private readonly orders: WorkOrdersRepository,
  ) {}

  async positionsOf(
    em: EntityManager,
    companyId: number,
    userIds: number[],
    now: Date,
  ): Promise<Map<number, TechnicianPosition | null>> {
    const ids = [...new Set(userIds)];
    const result = new Map<number, TechnicianPosition | null>(ids.map((id) => [id, null]));
    if (!ids.length) return result;

    const [profiles, current, last] = await Promise.all([
      em.find(TechnicianProfile, {
        select: { userId: true, latitude: true, longitude: true, positionAt: true },
        where: { userId: In(ids) },
      }),
      this.currentJobs(em, companyId, ids),
      this.orders.lastCompletedPlacesOf(companyId, ids, new Date(now.getTime() - LAST_JOB_MAX_AGE_MS), em),
    ]);

    const pending = new Set(ids);
    for (const p of profiles) {
      if (
        p.latitude !== null &&
        p.longitude !== null &&
        p.positionAt !== null &&
        now.getTime() - p.positionAt.getTime() <= POSITION_MAX_AGE_MS
      ) {
        result.set(p.userId, { latitude: p.latitude, longitude: p.longitude, source: 'reported' });
        pending.delete(p.userId);
      }
    }
    if (!pending.size) return result;

    const jobs = [...current.values(), ...last.values()];
    const coords = await this.coordinatesOf(em, jobs);
    for (const id of pending) {
      const cur = current.get(id);
      const at = cur && coords.get(cur.id);
      if (at) {
        result.set(id, { ...at, source: 'current_job' });
        continue;
      }
      const done = last.get(id);
      const was = done && coords.get(done.id);
      if (was) result.set(id, { ...was, source: 'last_job' });
    }
    return result;
  }

  /** Each technician's current job: the most advanced, then the most recently changed. */
  private async currentJobs(em: EntityManager, companyId: number, ids: number[]): Promise<Map<number, JobPlace>> {
    const rows = await this.orders.heldPlacesOf(companyId, ids, CURRENT_JOB_STATUSES, em);
    type Row = (typeof rows)[number];
    const rank = (s: string) => CURRENT_JOB_STATUSES.indexOf(s as (typeof CURRENT_JOB_STATUSES)[number]);
    const better = (a: Row, b: Row) =>
      rank(a.status) !== rank(b.status)
        ? rank(a.status) < rank(b.status)
        : a.updatedAt.getTime() !== b.updatedAt.getTime()
          ? a.updatedAt.getTime() > b.updatedAt.getTime()
          : a.id > b.id;
    const best = new Map<number, Row>();
    for (const r of rows) {
      const held = best.get(r.assigneeId!);
      if (!held || better(r, held)) best.set(r.assigneeId!, r);
    }
    return best;
  }

  /** The coordinates of each job's place: its building's, else its community's (job id -> point). */
  private async coordinatesOf(
    em: EntityManager,
    jobs: JobPlace[],
  ): Promise<Map<number, { latitude: number; longitude: number }>> {
    const out = new Map<number, { latitude: number; longitude: number }>();
    if (!jobs.length) return out;
    for (const [id, point] of await this.places.pointsOfPlaces(jobs, em)) {
      if (known(point)) out.set(id, { latitude: point.latitude!, longitude: point.longitude! });
    }
    return out;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';
import { transactionWithRetry } from '../../common/db-errors.js';
import { batchOf, deferInsert } from '../../common/write-batch.js';
import { ScheduledJob } from './job.entity.js';

export type { ScheduledJob } from './job.entity.js';

export interface NewJob {
  kind: string;
  dueAt: Date;
  workOrderId?: number | null;
  refId?: number | null;
  payload?: Record<string, unknown> | null;
}

@Injectable()
export class JobsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  get isMysql(): boolean {
    return this.ds.options.type === 'mariadb' || this.ds.options.type === 'mysql';
  }

  /**
   * Schedule inside the caller's transaction, so the job exists iff the change does. The row is
   * written with the transaction's other deferred inserts, one statement for all (write-batch.ts).
   */
  async schedule(em: EntityManager, job: NewJob): Promise<void> {
    await deferInsert(em, ScheduledJob, {
      kind: job.kind,
      dueAt: job.dueAt,
      workOrderId: job.workOrderId ?? null,
      refId: job.refId ?? null,
      payload: job.payload ?? null,
      status: 'pending',
      attempts: 0,
      lastError: null,
      doneBy: null,
      doneAt: null,
    });
  }

  /** Cancel pending jobs of a kind for an order (or a ref), e.g. an offer timeout once accepted. */
  async cancel(em: EntityManager, kind: string, where: { workOrderId?: number; refId?: number }): Promise<void> {
    batchOf(em)?.discard(
      ScheduledJob,
      (j) =>
        j.kind === kind &&
        (where.workOrderId === undefined || j.workOrderId === where.workOrderId) &&
        (where.refId === undefined || j.refId === where.refId),
    );
    const qb = em
      .createQueryBuilder()
      .update(ScheduledJob)
      .set({ status: 'cancelled' })
      .where('kind = :kind AND status = :pending', { kind, pending: 'pending' });
    if (where.workOrderId !== undefined) qb.andWhere('workOrderId = :w', { w: where.workOrderId });
    if (where.refId !== undefined) qb.andWhere('refId = :r', { r: where.refId });
    await qb.execute();
  }

  /**
   * Claim one due job inside `em`'s transaction. On MySQL/MariaDB the row is locked with
   * SKIP LOCKED so other processes pass over it; the conditional UPDATE makes the claim
   * exclusive on SQLite too. The claim commits or rolls back with the job's effect.
   */
  async claimDue(
    em: EntityManager,
    now: Date,
    owner: string,
    id?: number,
    exceptKinds: string[] = [],
  ): Promise<ScheduledJob | null> {
    return (await this.claim(em, now, owner, 1, { id, exceptKinds }))[0] ?? null;
  }

  /** Claim up to `limit` due jobs of one kind in one go (the batch form of `claimDue`). */
  claimDueBatch(em: EntityManager, kind: string, now: Date, owner: string, limit: number): Promise<ScheduledJob[]> {
    return this.claim(em, now, owner, limit, { kind });
  }

  /**
   * One locking SELECT of the oldest due jobs (whole rows) and one conditional UPDATE. If the
   * UPDATE changed fewer rows than were selected (another SQLite process got there first), the
   * jobs are read again and only those this claim marked are returned. On MySQL/MariaDB the
   * rows are locked by the SELECT, so the UPDATE changes them all and nothing is read again.
   */
  private async claim(
    em: EntityManager,
    now: Date,
    owner: string,
    limit: number,
    only: { id?: number; kind?: string; exceptKinds?: string[] },
  ): Promise<ScheduledJob[]> {
    const qb = em
      .createQueryBuilder(ScheduledJob, 'j')
      .where('j.status = :pending', { pending: 'pending' })
      .andWhere('j.dueAt <= :now', { now })
      .orderBy('j.dueAt', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .limit(limit);
    if (only.id !== undefined) qb.andWhere('j.id = :id', { id: only.id });
    if (only.kind !== undefined) qb.andWhere('j.kind = :kind', { kind: only.kind });
    if (only.exceptKinds?.length) qb.andWhere('j.kind NOT IN (:...exceptKinds)', { exceptKinds: only.exceptKinds });
    if (this.isMysql) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
    const due = await qb.getMany();
    if (!due.length) return [];
    const ids = due.map((j) => j.id);
    const res = await em
      .createQueryBuilder()
      .update(ScheduledJob)
      .set({ status: 'done', doneAt: now, doneBy: owner })
      .where('id IN (:...ids) AND status = :pending', { ids, pending: 'pending' })
      .execute();
    const affected = res.affected ?? 0;
    if (affected === 0) return [];
    if (affected === ids.length)
      return due.map((j) => Object.assign(j, { status: 'done', doneAt: now, doneBy: owner }));
    const jobs = await em.find(ScheduledJob, { where: { id: In(ids) }, order: { dueAt: 'ASC', id: 'ASC' } });
    return jobs.filter((j) => j.status === 'done' && j.doneBy === owner);
  }

  /** Whether a pending job of this kind and ref is due by `by` (to avoid queuing duplicates). */
  async hasPending(em: EntityManager, kind: string, refId: number, by: Date): Promise<boolean> {
    const queued = batchOf(em)?.rowsOf(ScheduledJob) ?? [];
    if (queued.some((j) => j.kind === kind && j.refId === refId && j.dueAt <= by)) return true;
    return em
      .createQueryBuilder(ScheduledJob, 'j')
      .where('j.kind = :kind AND j.refId = :refId AND j.status = :pending AND j.dueAt <= :by', {
        kind,
        refId,
        pending: 'pending',
        by,
      })
      .getExists();
  }

  /** After a handler failed (its transaction rolled back): count the attempt and back off. */
  async recordFailure(id: number, error: string, now: Date, maxAttempts: number): Promise<void> {
    const job = await this.ds.getRepository(ScheduledJob).findOneBy({ id });
    if (!job || job.status !== 'pending') return;
    const attempts = job.attempts + 1;
    const backoffMs = Math.min(2 ** attempts * 1000, 15 * 60_000);
    await this.ds.getRepository(ScheduledJob).update(
      { id, status: 'pending' },
      {
        attempts,
        lastError: error.slice(0, 2000),
        status: attempts >= maxAttempts ? 'failed' : 'pending',
        dueAt: new Date(now.getTime() + backoffMs),
      },
    );
  }

  /** For the metrics: pending jobs past due, when the oldest of them was due, and jobs that gave up. */
  async backlog(now: Date): Promise<{ due: number; oldestDueAt: Date | null; failed: number }> {
    const repo = this.ds.getRepository(ScheduledJob);
    const dueWhere = { status: 'pending', dueAt: LessThanOrEqual(now) };
    const due = await repo.countBy(dueWhere);
    const oldest = due
      ? await repo.findOne({ where: dueWhere, order: { dueAt: 'ASC' }, select: { id: true, dueAt: true } })
      : null;
    return { due, oldestDueAt: oldest?.dueAt ?? null, failed: await repo.countBy({ status: 'failed' }) };
  }

  /**
   * When the oldest pending job of a kind is (or was) due. ORDER BY dueAt LIMIT 1 walks the
   * (status, dueAt) index from the front and stops at the first job of the kind.
   */
  async oldestPendingDueAt(kind: string): Promise<Date | null> {
    const job = await this.ds.getRepository(ScheduledJob).findOne({
      where: { status: 'pending', kind },
      order: { dueAt: 'ASC' },
      select: { id: true, dueAt: true },
    });
    return job?.dueAt ?? null;
  }

  countPending(kind?: string) {
    return this.ds.getRepository(ScheduledJob).countBy({ status: 'pending', ...(kind ? { kind } : {}) });
  }

  /**
   * A job's transaction; deadlock victims (two processes racing on MariaDB) are retried at once.
   * MySQL/MariaDB: READ COMMITTED, so the claim's `FOR UPDATE SKIP LOCKED` range scan locks only
   * the rows it claims, not the gaps of the (status, dueAt) index: under REPEATABLE READ its
   * next-key locks block every insert of a job due now (each create queues a route job) until
   * the batch commits. Handlers write with conditional updates, which RC keeps exclusive.
   */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return transactionWithRetry(this.ds, work, this.isMysql ? 'READ COMMITTED' : undefined);
  }
}

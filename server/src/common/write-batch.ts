import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  EntityTarget,
  ObjectLiteral,
  QueryRunner,
} from 'typeorm';

/** Rows per multi-row INSERT statement (well inside SQLite's and MySQL's parameter limits). */
export const INSERT_CHUNK = 200;

/**
 * Inserts a transaction does not need to read back (timeline events, outbox events, jobs whose
 * id nobody keeps, dirty marks) are collected here and written as one multi-row INSERT per table
 * just before the transaction commits, instead of one statement each. Registered by
 * `transactionWithRetry`; outside such a transaction `defer` writes at once. Rows are flushed in
 * the order their tables were first used, so a table written after another stays after it.
 */
export class WriteBatch {
  private readonly tables = new Map<EntityTarget<ObjectLiteral>, ObjectLiteral[]>();
  /** Work to run once the transaction has committed (never when it rolls back): see `afterCommit`. */
  readonly committed: Array<() => void> = [];

  add(entity: EntityTarget<ObjectLiteral>, row: ObjectLiteral): void {
    const rows = this.tables.get(entity);
    if (rows) rows.push(row);
    else this.tables.set(entity, [row]);
  }

  /** The rows of a table still waiting to be written (to look at or drop, e.g. a cancelled job). */
  rowsOf<T extends ObjectLiteral>(entity: EntityTarget<T>): T[] {
    return (this.tables.get(entity) as T[] | undefined) ?? [];
  }

  /** Drop the waiting rows of a table that match. */
  discard<T extends ObjectLiteral>(entity: EntityTarget<T>, match: (row: T) => boolean): void {
    const rows = this.tables.get(entity) as T[] | undefined;
    if (rows)
      this.tables.set(
        entity,
        rows.filter((r) => !match(r)),
      );
  }

  async flush(em: EntityManager): Promise<void> {
    // Flushing can itself defer nothing: a flush writes plain rows, no hooks run.
    for (const [entity, rows] of this.tables) {
      this.tables.delete(entity);
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insertRows(em, entity, rows.slice(i, i + INSERT_CHUNK));
    }
  }
}

/**
 * One multi-row INSERT; afterwards each row object carries its generated id (for a caller that
 * keeps the row, e.g. the timeline event a create answers with). The ids come from what the
 * statement returns (MySQL/MariaDB: the first id, the others consecutive, as TypeORM itself
 * assumes; SQLite: the last rowid), so no statement is added.
 */
async function insertRows(
  em: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  rows: ObjectLiteral[],
): Promise<void> {
  const res = await em.createQueryBuilder().insert().into(entity).values(rows).updateEntity(false).execute();
  const metadata = em.connection.getMetadata(entity);
  if (!metadata.generatedColumns.some((c) => c.generationStrategy === 'increment')) return;
  rows.forEach((row, i) => {
    const generated = em.connection.driver.createGeneratedMap(metadata, res.raw, i, rows.length);
    if (generated) Object.assign(row, generated);
  });
}

const batches = new WeakMap<EntityManager, WriteBatch>();

/** The batch of the transaction `em` belongs to, if it has one. */
export function batchOf(em: EntityManager): WriteBatch | undefined {
  return batches.get(em);
}

/**
 * Run `work` with a write batch bound to `em`, flushed before `work`'s result is returned.
 * `onCommit` receives the batch's `afterCommit` tasks: the caller runs them once the transaction
 * has committed (`transactionWithRetry` does). Without it, `afterCommit` refuses to queue work.
 */
export async function withWriteBatch<T>(
  em: EntityManager,
  work: (em: EntityManager) => Promise<T>,
  onCommit?: (tasks: Array<() => void>) => void,
): Promise<T> {
  const batch = new WriteBatch();
  batches.set(em, batch);
  if (onCommit) commitSinks.add(batch);
  try {
    const result = await work(em);
    await batch.flush(em);
    onCommit?.(batch.committed);
    return result;
  } finally {
    batches.delete(em);
  }
}

const commitSinks = new WeakSet<WriteBatch>();

/**
 * Run `task` after the transaction of `em` commits, and never if it rolls back (or is retried:
 * a retried attempt queues its own). Outside a transaction the write has committed already, so
 * `task` runs at once. For signals that must not announce uncommitted work, such as the live
 * order notices (docs/architecture.md "Live updates"). A task must not throw; it runs outside
 * the transaction and must not write to it.
 *
 * `transactionWithRetry` runs the tasks once its COMMIT has returned. Any other transaction
 * (a plain `ds.transaction`) is followed through TypeORM's transaction events on its query
 * runner: the tasks run after the outermost COMMIT and are dropped on the outermost ROLLBACK.
 */
export function afterCommit(em: EntityManager, task: () => void): void {
  const batch = batches.get(em);
  if (batch && commitSinks.has(batch)) {
    batch.committed.push(task);
    return;
  }
  const runner = em.queryRunner;
  if (!runner?.isTransactionActive) {
    task();
    return;
  }
  followCommits(em.connection);
  const tasks = runnerTasks.get(runner) ?? [];
  tasks.push(task);
  runnerTasks.set(runner, tasks);
}

const runnerTasks = new WeakMap<QueryRunner, Array<() => void>>();
const followed = new WeakSet<DataSource>();

/** Hear the data source's commits and rollbacks once (afterCommit outside transactionWithRetry). */
function followCommits(ds: DataSource): void {
  if (followed.has(ds)) return;
  followed.add(ds);
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit: ({ queryRunner }) => {
      // A savepoint's release also reports a commit: wait for the outermost one.
      if (queryRunner.isTransactionActive) return;
      const tasks = runnerTasks.get(queryRunner) ?? [];
      runnerTasks.delete(queryRunner);
      for (const task of tasks) {
        try {
          task();
        } catch {
          /* an after-commit signal never fails the committed work */
        }
      }
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) runnerTasks.delete(queryRunner);
    },
  };
  ds.subscribers.push(subscriber);
}

/**
 * Insert `row` when the transaction commits (or now, outside a batched transaction). Once
 * written, `row` carries its generated id.
 */
export async function deferInsert<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  row: Partial<T>,
): Promise<void> {
  const batch = batches.get(em);
  if (batch) batch.add(entity, row);
  else await insertRows(em, entity, [row]);
}

/**
 * The durable job queue's table (transactional outbox). Jobs are inserted in the same transaction as the
 * state change that caused them; the worker (src/jobs/worker.ts) claims and runs them.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import type { JobKind, JobPayload } from './job-kinds.js';
import { jobs } from './schema.js';

export type { JobKind, JobPayload } from './job-kinds.js';

/**
 * `skipped`: a dead job that no longer holds back the later jobs of its key (a dead notification releases
 * its key itself; an admin can skip any dead job). Its error stays on the row and its death in the audit log.
 */
export type JobStatus = 'pending' | 'running' | 'done' | 'dead' | 'skipped';
/** A stored job, payload as stored (unchecked). */
export type Job = typeof jobs.$inferSelect;
/** A job whose payload was checked against its kind's schema (see `parseJobPayload`). */
export type JobOf<K extends JobKind> = Omit<Job, 'kind' | 'payload'> & { readonly kind: K; readonly payload: JobPayload<K> };

export interface EnqueueInput<K extends JobKind = JobKind> {
  readonly kind: K;
  readonly payload: JobPayload<K>;
  /** Jobs sharing a key run one at a time in insertion order; a dead job holds back the ones after it. */
  readonly orderKey?: string | null;
  /** Waits for every earlier unfinished job of this key too, without holding that key's later jobs back. */
  readonly afterKey?: string | null;
  readonly requestId?: number | null;
  readonly runAt?: Date;
}

/**
 * A job is held back while an earlier job of its order key, or of its after key, is unfinished or dead.
 * Two separate lookups (not one with OR) so each uses the (order_key, status) index.
 */
const unblocked = sql`NOT EXISTS (
  SELECT 1 FROM jobs AS earlier
  WHERE earlier.order_key = ${jobs.orderKey}
    AND earlier.status IN ('pending', 'running', 'dead')
    AND earlier.id < ${jobs.id})
  AND (${jobs.afterKey} IS NULL OR NOT EXISTS (
  SELECT 1 FROM jobs AS earlier
  WHERE earlier.order_key = ${jobs.afterKey}
    AND earlier.status IN ('pending', 'running', 'dead')
    AND earlier.id < ${jobs.id}))`;

export class JobsRepo {
  /** Called after every enqueue so the worker wakes at once (it runs after the transaction commits). */
  onEnqueue: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly defaultMaxAttempts: number,
  ) {}

  enqueue<K extends JobKind>(input: EnqueueInput<K>, now: Date): Job {
    const at = now.getTime();
    const job = this.db
      .insert(jobs)
      .values({
        kind: input.kind,
        payload: input.payload,
        orderKey: input.orderKey ?? null,
        afterKey: input.afterKey ?? null,
        requestId: input.requestId ?? null,
        status: 'pending',
        attempts: 0,
        maxAttempts: this.defaultMaxAttempts,
        runAt: input.runAt?.getTime() ?? at,
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();
    this.onEnqueue();
    return job;
  }

  /**
   * Claims up to `limit` due jobs whose order key has no earlier unfinished job, marking them running, in
   * one statement (UPDATE ... WHERE id IN (SELECT ... LIMIT) RETURNING): no window between choosing and
   * marking in which another connection could claim the same job. Returned earliest first.
   */
  claimDue(now: Date, limit: number): Job[] {
    if (limit <= 0) return [];
    const due = this.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, 'pending'), sql`${jobs.runAt} <= ${now.getTime()}`, unblocked))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(limit);
    const claimed = this.db
      .update(jobs)
      .set({ status: 'running', attempts: sql`${jobs.attempts} + 1`, updatedAt: now.getTime() })
      .where(inArray(jobs.id, due))
      .returning()
      .all();
    // RETURNING follows no particular order.
    return claimed.sort((a, b) => a.runAt - b.runAt || a.id - b.id);
  }

  /** The earliest run time of a pending job that nothing holds back, to know when to wake. */
  nextRunAt(): number | null {
    const row = this.db
      .select({ runAt: sql<number | null>`min(${jobs.runAt})` })
      .from(jobs)
      .where(and(eq(jobs.status, 'pending'), unblocked))
      .get();
    return row?.runAt ?? null;
  }

  markDone(id: number, now: Date): void {
    this.db.update(jobs).set({ status: 'done', lastError: null, updatedAt: now.getTime() }).where(eq(jobs.id, id)).run();
  }

  reschedule(id: number, runAt: Date, error: string, now: Date): void {
    this.db
      .update(jobs)
      .set({ status: 'pending', runAt: runAt.getTime(), lastError: error, updatedAt: now.getTime() })
      .where(eq(jobs.id, id))
      .run();
  }

  /** Back to the queue without using up the attempt it was claimed with (Keycard held it back itself). */
  defer(id: number, runAt: Date, now: Date): void {
    this.db
      .update(jobs)
      .set({ status: 'pending', runAt: runAt.getTime(), attempts: sql`max(${jobs.attempts} - 1, 0)`, updatedAt: now.getTime() })
      .where(eq(jobs.id, id))
      .run();
  }

  markDead(id: number, error: string, now: Date): void {
    this.db.update(jobs).set({ status: 'dead', lastError: error, updatedAt: now.getTime() }).where(eq(jobs.id, id)).run();
  }

  /** Closes a dead job that later jobs of its key need not wait for (its error stays on record). */
  release(id: number, now: Date): void {
    this.db.update(jobs).set({ status: 'done', updatedAt: now.getTime() }).where(eq(jobs.id, id)).run();
  }

  /** Dead to skipped: later jobs of its key go ahead, the job and its error stay. False when it is not dead. */
  skip(id: number, now: Date): boolean {
    return this.db.update(jobs).set({ status: 'skipped', updatedAt: now.getTime() }).where(and(eq(jobs.id, id), eq(jobs.status, 'dead'))).run().changes > 0;
  }

  /** Deletes finished and skipped jobs last touched before `before` (the audit log keeps the story); returns how many. */
  pruneDone(before: Date): number {
    return this.db
      .delete(jobs)
      .where(and(inArray(jobs.status, ['done', 'skipped']), sql`${jobs.updatedAt} < ${before.getTime()}`))
      .run().changes;
  }

  /** After a crash, jobs left `running` did not finish: run them again (handlers are idempotent). */
  resetRunning(now: Date): number {
    return this.db
      .update(jobs)
      .set({ status: 'pending', updatedAt: now.getTime() })
      .where(eq(jobs.status, 'running'))
      .run().changes;
  }

  /**
   * Puts dead jobs back in the queue with a fresh set of attempts. One job named by id may also be a skipped
   * one (a dead DM releases its key at once, yet an admin may still want it sent); a request's retry takes
   * only its dead jobs.
   */
  retryDead(filter: { requestId?: number; jobId?: number; kind?: JobKind }, now: Date): number {
    const conditions = [filter.jobId !== undefined ? inArray(jobs.status, ['dead', 'skipped']) : eq(jobs.status, 'dead')];
    if (filter.requestId !== undefined) conditions.push(eq(jobs.requestId, filter.requestId));
    if (filter.kind !== undefined) conditions.push(eq(jobs.kind, filter.kind));
    if (filter.jobId !== undefined) conditions.push(eq(jobs.id, filter.jobId));
    const changed = this.db
      .update(jobs)
      .set({ status: 'pending', attempts: 0, runAt: now.getTime(), updatedAt: now.getTime() })
      .where(and(...conditions))
      .run().changes;
    if (changed > 0) this.onEnqueue();
    return changed;
  }

  /** True when a job of this kind and order key is waiting (used to coalesce repeated refreshes). */
  hasPending(kind: JobKind, orderKey: string): boolean {
    return (
      this.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.kind, kind), eq(jobs.orderKey, orderKey), eq(jobs.status, 'pending')))
        .limit(1)
        .get() !== undefined
    );
  }

  /** True when a job of this kind for this request is waiting or running. */
  hasLive(kind: JobKind, requestId: number): boolean {
    return (
      this.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.kind, kind), eq(jobs.requestId, requestId), inArray(jobs.status, ['pending', 'running'])))
        .limit(1)
        .get() !== undefined
    );
  }

  /** The newest job of a kind, whatever its status (finished jobs are kept 30 days). */
  lastOfKind(kind: JobKind): Job | undefined {
    return this.db.select().from(jobs).where(eq(jobs.kind, kind)).orderBy(desc(jobs.id)).limit(1).get();
  }

  get(id: number): Job | undefined {
    return this.db.select().from(jobs).where(eq(jobs.id, id)).get();
  }

  list(filter: { status?: JobStatus; requestId?: number } = {}): Job[] {
    const conditions = [];
    if (filter.status) conditions.push(eq(jobs.status, filter.status));
    if (filter.requestId !== undefined) conditions.push(eq(jobs.requestId, filter.requestId));
    return this.db
      .select()
      .from(jobs)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(asc(jobs.id))
      .all();
  }

  countByStatus(): Record<JobStatus, number> {
    const rows = this.db
      .select({ status: jobs.status, n: sql<number>`count(*)` })
      .from(jobs)
      .groupBy(jobs.status)
      .all();
    const counts: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, dead: 0, skipped: 0 };
    for (const row of rows) counts[row.status as JobStatus] = row.n;
    return counts;
  }
}

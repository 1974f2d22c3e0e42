/**
 * What an operator's tools ask of the database: readiness (can we write? is a job overdue?) and the
 * gauges of /metrics, each one cheap aggregate query so a scrape every 15 s costs nothing noticeable.
 */
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { approvalSteps, grantGroups, grants, jobs, requests } from './schema.js';

export interface OverdueJob {
  readonly id: number;
  readonly kind: string;
  readonly runAt: number;
}

export class OpsRepo {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
  ) {}

  /**
   * Throws when the database cannot be written (read-only, closed, disk or lock trouble). It rewrites the
   * lease row with its own value inside a transaction it then rolls back: a real page write that SQLite
   * must be able to do, leaving nothing changed. A plain read would pass on a read-only file.
   */
  probeWrite(): void {
    const rollback = new Error('rollback');
    try {
      this.sqlite
        .transaction(() => {
          this.sqlite.prepare('UPDATE owner_lease SET heartbeat_at = heartbeat_at WHERE id = 1').run();
          throw rollback;
        })
        .immediate();
    } catch (error) {
      if (error !== rollback) throw error;
    }
  }

  /** The pending job that should have run longest ago (held back ones too: they are late all the same). */
  oldestPendingJob(): OverdueJob | null {
    return this.db.select({ id: jobs.id, kind: jobs.kind, runAt: jobs.runAt }).from(jobs).where(eq(jobs.status, 'pending')).orderBy(jobs.runAt, jobs.id).limit(1).get() ?? null;
  }

  /** The oldest pending job of each kind, for the "removal overdue" alert. */
  oldestPendingByKind(): Array<{ kind: string; runAt: number }> {
    return this.db
      .select({ kind: jobs.kind, runAt: sql<number>`min(${jobs.runAt})` })
      .from(jobs)
      .where(eq(jobs.status, 'pending'))
      .groupBy(jobs.kind)
      .all();
  }

  requestsByStatus(): Array<{ status: string; n: number }> {
    return this.db.select({ status: requests.status, n: sql<number>`count(*)` }).from(requests).groupBy(requests.status).all();
  }

  /** Approval stages waiting for a decision: how many, and since when the oldest waits. */
  approvalsWaiting(): { count: number; oldestCreatedAt: number | null } {
    const row = this.db
      .select({ n: sql<number>`count(*)`, oldest: sql<number | null>`min(${approvalSteps.createdAt})` })
      .from(approvalSteps)
      .innerJoin(requests, eq(requests.id, approvalSteps.requestId))
      .where(and(eq(approvalSteps.status, 'pending'), eq(requests.status, 'pending_approval')))
      .get();
    return { count: row?.n ?? 0, oldestCreatedAt: row?.oldest ?? null };
  }

  /** Active grants split into elevated (time-bound) and standing (no end). */
  activeGrants(): { elevated: number; standing: number } {
    const row = this.db
      .select({
        elevated: sql<number>`coalesce(sum(CASE WHEN ${grants.endsAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
        standing: sql<number>`coalesce(sum(CASE WHEN ${grants.endsAt} IS NULL THEN 1 ELSE 0 END), 0)`,
      })
      .from(grants)
      .where(eq(grants.status, 'active'))
      .get();
    return { elevated: row?.elevated ?? 0, standing: row?.standing ?? 0 };
  }

  /** Grants that ended, by how (expired, revoked, relinquished, rolled_back). */
  grantsEnded(): Array<{ status: string; n: number }> {
    return this.db
      .select({ status: grants.status, n: sql<number>`count(*)` })
      .from(grants)
      .where(isNotNull(grants.endedAt))
      .groupBy(grants.status)
      .all();
  }

  /** Group memberships that left a grant, by outcome (removed, not_member, no_group, kept, by_hand). */
  groupRemovals(): Array<{ outcome: string; n: number }> {
    return this.db
      .select({ outcome: sql<string>`coalesce(${grantGroups.outcome}, 'unknown')`, n: sql<number>`count(*)` })
      .from(grantGroups)
      .where(isNotNull(grantGroups.goneAt))
      .groupBy(grantGroups.outcome)
      .all();
  }

  /** Groups still held by grants that are being removed (`ending`). */
  removalsPending(): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(grantGroups)
        .innerJoin(grants, eq(grants.id, grantGroups.grantId))
        .where(and(eq(grants.status, 'ending'), isNull(grantGroups.goneAt)))
        .get()?.n ?? 0
    );
  }
}

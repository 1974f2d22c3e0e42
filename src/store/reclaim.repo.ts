/**
 * Auto reclaim (src/workflows/reclaim/): scans (runs), one case per person and role flagged inactive, and
 * the exclusions admins recorded. Every status move is compare-and-set; at most one case per access is open
 * (`warned` or `removing`), which the database itself holds to (schema.ts `reclaim_cases_open_uq`).
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { grants, reclaimCases, reclaimExclusions, reclaimRuns } from './schema.js';

export type ReclaimRunRow = typeof reclaimRuns.$inferSelect;
export type ReclaimCaseRow = typeof reclaimCases.$inferSelect;
export type ReclaimExclusionRow = typeof reclaimExclusions.$inferSelect;
export type ReclaimRunStatus = 'queued' | 'scanning' | 'done' | 'failed';
export type ReclaimCaseStatus = 'warned' | 'kept' | 'removing' | 'reclaimed' | 'downgraded' | 'restored' | 'cancelled';
export const OPEN_CASE_STATUSES: readonly ReclaimCaseStatus[] = ['warned', 'removing'];

/** A live Keycard grant as a scan needs it. */
export interface LiveGrantRow {
  readonly id: number;
  readonly requestId: number;
  readonly userSlackId: string;
  readonly startsAt: number;
  readonly endsAt: number | null;
  readonly status: string;
  readonly roleId: string;
  readonly idpUserId: string | null;
  /** The role's groups as granted. */
  readonly groups: readonly string[];
}

export type NewReclaimCase = Pick<
  ReclaimCaseRow,
  'appId' | 'roleId' | 'provider' | 'idpUserId' | 'email' | 'name' | 'slackId' | 'groups' | 'lastSignInAt' | 'lastSignInScope' | 'grantId' | 'requestId' | 'action' | 'seatCost' | 'warnedAt' | 'removeAt'
>;

/** Fields a case move may write with it. */
export type CaseMoveFields = Partial<
  Pick<ReclaimCaseRow, 'keptAt' | 'keptReason' | 'decidedBy' | 'removingSince' | 'result' | 'error' | 'closedAt' | 'restoreUntil' | 'downgradeRequestId' | 'restoreRequestId'>
>;

export class ReclaimRepo {
  constructor(private readonly db: Db) {}

  // ----- runs --------------------------------------------------------------------------------

  insertRun(input: Pick<ReclaimRunRow, 'appId' | 'trigger' | 'requestedBy'>, now: Date): ReclaimRunRow {
    return this.db
      .insert(reclaimRuns)
      .values({ ...input, status: 'queued', createdAt: now.getTime() })
      .returning()
      .get();
  }

  run(id: number): ReclaimRunRow | undefined {
    return this.db.select().from(reclaimRuns).where(eq(reclaimRuns.id, id)).get();
  }

  /** Runs of this app not finished yet (queued or scanning). */
  unfinishedRuns(appId: string): ReclaimRunRow[] {
    return this.db.select().from(reclaimRuns).where(and(eq(reclaimRuns.appId, appId), inArray(reclaimRuns.status, ['queued', 'scanning']))).all();
  }

  /** Compare-and-set on a run's status. */
  moveRun(id: number, from: readonly ReclaimRunStatus[], to: ReclaimRunStatus, fields: Partial<Pick<ReclaimRunRow, 'members' | 'warned' | 'noTelemetry' | 'error' | 'finishedAt'>> = {}): boolean {
    return this.db.update(reclaimRuns).set({ status: to, ...fields }).where(and(eq(reclaimRuns.id, id), inArray(reclaimRuns.status, [...from]))).run().changes === 1;
  }

  /** Marks the run's closing summary posted, once; false when it was already. */
  markSummarized(id: number): boolean {
    return this.db.update(reclaimRuns).set({ summarized: true }).where(and(eq(reclaimRuns.id, id), eq(reclaimRuns.summarized, false))).run().changes === 1;
  }

  // ----- cases -------------------------------------------------------------------------------

  /**
   * Opens a case as `warned`, unless this access already has an open one (then null): the unique index
   * decides, so two scans at once, or a scan run again after a crash, warn nobody twice.
   */
  insertCase(runId: number, input: NewReclaimCase, now: Date): ReclaimCaseRow | null {
    return (
      this.db
        .insert(reclaimCases)
        .values({ ...input, runId, status: 'warned', createdAt: now.getTime() })
        .onConflictDoNothing()
        .returning()
        .get() ?? null
    );
  }

  case(id: number): ReclaimCaseRow | undefined {
    return this.db.select().from(reclaimCases).where(eq(reclaimCases.id, id)).get();
  }

  casesOfRun(runId: number): ReclaimCaseRow[] {
    return this.db.select().from(reclaimCases).where(eq(reclaimCases.runId, runId)).orderBy(asc(reclaimCases.id)).all();
  }

  /** An app's cases in these statuses (all when none given), oldest first. */
  casesOfApp(appId: string, statuses?: readonly ReclaimCaseStatus[]): ReclaimCaseRow[] {
    const where = statuses ? and(eq(reclaimCases.appId, appId), inArray(reclaimCases.status, [...statuses])) : eq(reclaimCases.appId, appId);
    return this.db.select().from(reclaimCases).where(where).orderBy(asc(reclaimCases.id)).all();
  }

  /** An app's open cases (warned or removing). */
  openCasesOf(appId: string): ReclaimCaseRow[] {
    return this.casesOfApp(appId, OPEN_CASE_STATUSES);
  }

  /** The newest Keep it of each access of an app: `role\0user` → when. */
  lastKeptOfApp(appId: string): Map<string, number> {
    const rows = this.db
      .select({ roleId: reclaimCases.roleId, idpUserId: reclaimCases.idpUserId, keptAt: sql<number>`max(${reclaimCases.keptAt})` })
      .from(reclaimCases)
      .where(and(eq(reclaimCases.appId, appId), isNotNull(reclaimCases.keptAt)))
      .groupBy(reclaimCases.roleId, reclaimCases.idpUserId)
      .all();
    return new Map(rows.map((r) => [`${r.roleId}\u0000${r.idpUserId}`, r.keptAt]));
  }

  /** Compare-and-set on a case's status, with the fields the move writes. */
  moveCase(id: number, from: readonly ReclaimCaseStatus[], to: ReclaimCaseStatus, fields: CaseMoveFields = {}): boolean {
    return this.db.update(reclaimCases).set({ status: to, ...fields }).where(and(eq(reclaimCases.id, id), inArray(reclaimCases.status, [...from]))).run().changes === 1;
  }

  /** Fields that are not a move (the last error, the DMs' places). */
  updateCase(id: number, fields: Partial<Pick<ReclaimCaseRow, 'error' | 'warningChannel' | 'warningTs' | 'resultChannel' | 'resultTs' | 'downgradeRequestId'>>): void {
    this.db.update(reclaimCases).set(fields).where(eq(reclaimCases.id, id)).run();
  }

  /** Records a group of the case confirmed gone (or kept for a Keycard grant) outside any grant's removal. */
  recordRemoved(id: number, group: string, outcome: string): void {
    const found = this.case(id);
    if (!found) return;
    this.db
      .update(reclaimCases)
      .set({ removed: { ...found.removed, [group]: outcome } })
      .where(eq(reclaimCases.id, id))
      .run();
  }

  /** Cases whose removal goes through this grant's removal (they settle when it ends). */
  removingThroughGrant(grantId: number): ReclaimCaseRow[] {
    return this.db.select().from(reclaimCases).where(and(eq(reclaimCases.grantId, grantId), eq(reclaimCases.status, 'removing'))).all();
  }

  /** Downgrades waiting for their lower role's request to be granted. */
  waitingOnRequest(requestId: number): ReclaimCaseRow[] {
    return this.db.select().from(reclaimCases).where(and(eq(reclaimCases.downgradeRequestId, requestId), eq(reclaimCases.status, 'removing'))).all();
  }

  /** Cases that ended with the seat taken back (reclaimed or downgraded, later restored or not), since `from`. */
  closedSince(from: Date): ReclaimCaseRow[] {
    return this.db
      .select()
      .from(reclaimCases)
      .where(and(inArray(reclaimCases.status, ['reclaimed', 'downgraded', 'restored']), gte(reclaimCases.closedAt, from.getTime())))
      .orderBy(desc(reclaimCases.closedAt))
      .all();
  }

  /** The live Keycard grants of an app, for judging its members: `role\0idpUserId` → the oldest such grant. */
  liveGrantsOfApp(appId: string, provider: string): Map<string, LiveGrantRow> {
    const rows = this.db
      .select({ id: grants.id, requestId: grants.requestId, userSlackId: grants.userSlackId, roleId: grants.roleId, idpUserId: grants.idpUserId, groups: grants.groups, startsAt: grants.startsAt, endsAt: grants.endsAt, status: grants.status })
      .from(grants)
      .where(and(eq(grants.appId, appId), eq(grants.provider, provider), inArray(grants.status, ['active', 'provisioning', 'ending'])))
      .orderBy(asc(grants.id))
      .all();
    const out = new Map<string, LiveGrantRow>();
    for (const row of rows) {
      const key = `${row.roleId}\u0000${row.idpUserId ?? ''}`;
      if (!out.has(key)) out.set(key, row);
    }
    return out;
  }

  // ----- exclusions --------------------------------------------------------------------------

  insertExclusion(input: Pick<ReclaimExclusionRow, 'appId' | 'slackId' | 'email' | 'reason' | 'createdBy'>, now: Date): ReclaimExclusionRow {
    return this.db
      .insert(reclaimExclusions)
      .values({ ...input, createdAt: now.getTime() })
      .returning()
      .get();
  }

  exclusions(appId: string): ReclaimExclusionRow[] {
    return this.db.select().from(reclaimExclusions).where(eq(reclaimExclusions.appId, appId)).orderBy(asc(reclaimExclusions.id)).all();
  }
}

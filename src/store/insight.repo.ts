/**
 * What `/access-admin audit`, `export`, `stats`, `grants` and `pending` read (src/workflows/insight/): a
 * request's whole record, a person's, a range of requests in batches, the figures of a period, and pages of
 * what is active and what waits. Read-only; every query is served by an index (see schema.ts), so the
 * answers stay fast with hundreds of thousands of requests and millions of audit events.
 */
import type Database from 'better-sqlite3';
import { and, asc, desc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AuditEvent } from './audit.repo.js';
import type { Db } from './db.js';
import type { GrantGroupRow, GrantRow } from './grants.repo.js';
import type { RequestRow, StepRow } from './requests.repo.js';
import { approvalSteps, auditEvents, fulfilmentTasks, grantGroups, grants, jobs, requests } from './schema.js';
import type { TaskRow } from './tasks.repo.js';

/**
 * Requests that wait for someone: an approver, the provider (being granted), or a person doing it by hand.
 * An approved extension does not wait: it was applied when approved (and stays `approved`).
 */
export const WAITING_STATUSES = ['pending_approval', 'approved', 'provisioning', 'awaiting_fulfilment'] as const;

/** Whether a request in `status` of `kind` waits (see WAITING_STATUSES). */
export function isWaiting(status: string, kind: string): boolean {
  return (WAITING_STATUSES as readonly string[]).includes(status) && !(kind === 'extension' && status === 'approved');
}

const waitingWhere = and(inArray(requests.status, [...WAITING_STATUSES]), sql`NOT (${requests.kind} = 'extension' AND ${requests.status} = 'approved')`);

/** Audit actions that start the end of access (src/workflows/grant/expire.ts), and what else the chain reads from the log. */
export const ENDING_ACTIONS = ['grant.expiring', 'grant.revoking', 'grant.relinquishing', 'grant.rolling_back'] as const;
const CHAIN_ACTIONS = [...ENDING_ACTIONS, 'grant.extended', 'grant.group_reappeared', 'grant.removal_rechecked', 'request.retried'] as const;
const CHAIN_STATUSES = ['approved', 'active', 'cancelled', 'failed'] as const;

/** Which active grants a page lists: all, one app's, or one person's. */
export interface GrantFilter {
  readonly appId?: string;
  readonly userSlackId?: string;
}

/** One request of a period with what the figures need (see `periodRequests`). */
export interface PeriodRequest {
  readonly id: number;
  readonly kind: string;
  readonly status: string;
  readonly createdAt: number;
  /** When it was first approved (by the last stage, or by catalog policy), from the audit log. */
  readonly approvedAt: number | null;
  /** When the access was first in place (the provider confirmed, or a person confirmed a manual grant). */
  readonly activeAt: number | null;
  /** A person acted on it between its approval and its access (a retry, a manual fulfilment): not hands-off. */
  readonly touched: boolean;
}

/** A `PeriodRequest` as SQLite returns it (booleans are 0 or 1). */
type PeriodRow = Omit<PeriodRequest, 'touched'> & { readonly touched: number };

const BATCH = 500;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += BATCH) out.push(values.slice(i, i + BATCH));
  return out;
}

function grantWhere(filter: GrantFilter): SQL | undefined {
  return and(
    eq(grants.status, 'active'),
    filter.appId !== undefined ? eq(grants.appId, filter.appId) : undefined,
    filter.userSlackId !== undefined ? eq(grants.userSlackId, filter.userSlackId) : undefined,
  );
}

export class InsightRepo {
  private readonly period: Database.Statement<[number, number], PeriodRow>;

  constructor(
    private readonly db: Db,
    sqlite: Database.Database,
  ) {
    // One pass over the period's requests; each looks up its own audit events through audit_request_idx.
    // `touched`: an event by a person (not a refused click) after the first approval, up to the first access.
    this.period = sqlite.prepare(`
      WITH period AS (
        SELECT r.id, r.kind, r.status, r.created_at,
          (SELECT e.id FROM audit_events e WHERE e.request_id = r.id AND e.to_status = 'approved' ORDER BY e.id LIMIT 1) AS approved_id,
          (SELECT e.id FROM audit_events e WHERE e.request_id = r.id AND e.to_status = 'active' ORDER BY e.id LIMIT 1) AS active_id
        FROM requests r
        WHERE r.created_at >= ? AND r.created_at < ?
      )
      SELECT p.id, p.kind, p.status, p.created_at AS createdAt,
        (SELECT a.at FROM audit_events a WHERE a.id = p.approved_id) AS approvedAt,
        (SELECT a.at FROM audit_events a WHERE a.id = p.active_id) AS activeAt,
        CASE WHEN p.approved_id IS NULL OR p.active_id IS NULL THEN 0 ELSE EXISTS (
          SELECT 1 FROM audit_events e
          WHERE e.request_id = p.id AND e.id > p.approved_id AND e.id <= p.active_id
            AND e.actor LIKE 'user:%' AND e.action NOT LIKE '%.refused'
        ) END AS touched
      FROM period p
      ORDER BY p.id
    `) as Database.Statement<[number, number], PeriodRow>;
  }

  // --- one request, one person ---

  /** Requests filed under a Jira key: the access request first, then its extensions (they write to its issue). */
  byJiraKey(key: string): RequestRow[] {
    return this.db.select().from(requests).where(eq(requests.jiraKey, key)).orderBy(asc(requests.id)).all();
  }

  /** Every extension asked for on these grants, oldest first. */
  extensionsOf(grantIds: readonly number[]): RequestRow[] {
    return chunks(grantIds).flatMap((ids) =>
      this.db
        .select()
        .from(requests)
        .where(and(inArray(requests.grantId, ids), eq(requests.kind, 'extension')))
        .orderBy(asc(requests.id))
        .all(),
    );
  }

  /** The Slack id the records hold for an email (the newest request that recorded it); null when none did. */
  slackIdByEmail(email: string): string | null {
    return (
      this.db
        .select({ id: requests.requesterSlackId })
        .from(requests)
        .where(sql`lower(${requests.requesterEmail}) = ${email.toLowerCase()}`)
        .orderBy(desc(requests.id))
        .limit(1)
        .get()?.id ?? null
    );
  }

  /**
   * When the provider was last asked again, after a removal, whether the memberships stayed gone (the
   * `idp.recheck_removal` job that finished), per request.
   */
  removalRechecksOf(requestIds: readonly number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (const ids of chunks(requestIds)) {
      const rows = this.db
        .select({ requestId: jobs.requestId, at: sql<number>`max(${jobs.updatedAt})` })
        .from(jobs)
        .where(and(inArray(jobs.requestId, ids), eq(jobs.kind, 'idp.recheck_removal'), eq(jobs.status, 'done')))
        .groupBy(jobs.requestId)
        .all();
      for (const row of rows) if (row.requestId !== null) out.set(row.requestId, row.at);
    }
    return out;
  }

  /** Manual apps' fulfilment tasks (grant and removal) of these requests, oldest first. */
  tasksOf(requestIds: readonly number[]): TaskRow[] {
    return chunks(requestIds).flatMap((ids) => this.db.select().from(fulfilmentTasks).where(inArray(fulfilmentTasks.requestId, ids)).orderBy(asc(fulfilmentTasks.id)).all());
  }

  /** Whether any request names this app (an app dropped from the catalog still has its records). */
  hasApp(appId: string): boolean {
    return this.db.select({ id: requests.id }).from(requests).where(eq(requests.appId, appId)).limit(1).get() !== undefined;
  }

  /** The person's newest requests (access and extensions), newest first. */
  latestRequestsOf(slackId: string, limit: number): RequestRow[] {
    return this.db.select().from(requests).where(eq(requests.requesterSlackId, slackId)).orderBy(desc(requests.id)).limit(limit).all();
  }

  countRequestsOf(slackId: string): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(requests).where(eq(requests.requesterSlackId, slackId)).get()?.n ?? 0;
  }

  /** The person's access now: active grants and grants being removed, soonest end first. */
  heldBy(slackId: string): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userSlackId, slackId), inArray(grants.status, ['active', 'ending', 'provisioning'])))
      .orderBy(sql`${grants.endsAt} IS NULL`, asc(grants.endsAt), asc(grants.id))
      .all();
  }

  // --- batches (a chain, an export) ---

  requestsById(ids: readonly number[]): RequestRow[] {
    return chunks(ids).flatMap((chunk) => this.db.select().from(requests).where(inArray(requests.id, chunk)).orderBy(asc(requests.id)).all());
  }

  countInRange(from: number, to: number, appId: string | null): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(requests).where(this.rangeWhere(from, to, appId)).get()?.n ?? 0;
  }

  /** The next `limit` requests filed in [from, to), in filing order, after the one at (`afterAt`, `afterId`). */
  requestsInRange(from: number, to: number, appId: string | null, after: { at: number; id: number } | null, limit: number): RequestRow[] {
    const next = after ? or(gt(requests.createdAt, after.at), and(eq(requests.createdAt, after.at), gt(requests.id, after.id))) : undefined;
    return this.db
      .select()
      .from(requests)
      .where(and(this.rangeWhere(from, to, appId), next))
      .orderBy(asc(requests.createdAt), asc(requests.id))
      .limit(limit)
      .all();
  }

  private rangeWhere(from: number, to: number, appId: string | null): SQL | undefined {
    return and(sql`${requests.createdAt} >= ${from}`, sql`${requests.createdAt} < ${to}`, appId !== null ? eq(requests.appId, appId) : undefined);
  }

  stepsOf(requestIds: readonly number[]): StepRow[] {
    return chunks(requestIds).flatMap((ids) => this.db.select().from(approvalSteps).where(inArray(approvalSteps.requestId, ids)).orderBy(asc(approvalSteps.requestId), asc(approvalSteps.stageIndex)).all());
  }

  grantsById(ids: readonly number[]): GrantRow[] {
    return chunks(ids).flatMap((chunk) => this.db.select().from(grants).where(inArray(grants.id, chunk)).all());
  }

  grantsOf(requestIds: readonly number[]): GrantRow[] {
    return chunks(requestIds).flatMap((ids) => this.db.select().from(grants).where(inArray(grants.requestId, ids)).all());
  }

  groupRowsOf(grantIds: readonly number[]): GrantGroupRow[] {
    return chunks(grantIds).flatMap((ids) => this.db.select().from(grantGroups).where(inArray(grantGroups.grantId, ids)).orderBy(asc(grantGroups.id)).all());
  }

  /**
   * The audit events a request's chain is told from (approval, access, the end and who started it, extensions,
   * a membership back after removal, cancel, failure, retry), oldest first.
   */
  chainEventsOf(requestIds: readonly number[]): AuditEvent[] {
    return chunks(requestIds).flatMap((ids) =>
      this.db
        .select()
        .from(auditEvents)
        .where(and(inArray(auditEvents.requestId, ids), or(inArray(auditEvents.toStatus, [...CHAIN_STATUSES]), inArray(auditEvents.action, [...CHAIN_ACTIONS]))))
        .orderBy(asc(auditEvents.id))
        .all(),
    );
  }

  // --- a period's figures (stats) ---

  /** Every request filed in [from, to) with its approval, its access and whether a person touched it in between. */
  periodRequests(from: number, to: number): PeriodRequest[] {
    return this.period.all(from, to).map((row) => ({ ...row, touched: row.touched === 1 }));
  }

  /** Active grants of roles that needed a human approval (not `approval: auto`): how many, how many have no end, how many are past it. */
  activeElevated(now: number): { count: number; noEnd: number; pastEnd: number } {
    const row = this.db
      .select({
        count: sql<number>`count(*)`,
        noEnd: sql<number>`coalesce(sum(CASE WHEN ${grants.endsAt} IS NULL THEN 1 ELSE 0 END), 0)`,
        pastEnd: sql<number>`coalesce(sum(CASE WHEN ${grants.endsAt} <= ${now} THEN 1 ELSE 0 END), 0)`,
      })
      .from(grants)
      .innerJoin(requests, eq(requests.id, grants.requestId))
      .where(and(eq(grants.status, 'active'), sql`json_extract(${requests.snapshot}, '$.approval') <> 'auto'`))
      .get();
    return { count: row?.count ?? 0, noEnd: row?.noEnd ?? 0, pastEnd: row?.pastEnd ?? 0 };
  }

  /** The oldest approval stage still waiting: its request and since when (null: none waits). */
  oldestWaitingStep(): { requestId: number; since: number } | null {
    return (
      this.db
        .select({ requestId: approvalSteps.requestId, since: approvalSteps.createdAt })
        .from(approvalSteps)
        .innerJoin(requests, eq(requests.id, approvalSteps.requestId))
        .where(and(eq(approvalSteps.status, 'pending'), eq(requests.status, 'pending_approval')))
        .orderBy(asc(approvalSteps.createdAt), asc(approvalSteps.id))
        .limit(1)
        .get() ?? null
    );
  }

  /** Removals finished in [from, to), by how the access ended (expired, revoked, relinquished, rolled_back). */
  removalsDone(from: number, to: number): Array<{ status: string; n: number }> {
    return this.db
      .select({ status: grants.status, n: sql<number>`count(*)` })
      .from(grants)
      .where(and(sql`${grants.endedAt} >= ${from}`, sql`${grants.endedAt} < ${to}`))
      .groupBy(grants.status)
      .all();
  }

  /** Requests whose access is being removed and a removal of a group still held failed: failing now. */
  removalsFailing(): number[] {
    return this.db
      .selectDistinct({ requestId: grants.requestId })
      .from(grants)
      .innerJoin(grantGroups, eq(grantGroups.grantId, grants.id))
      .where(and(eq(grants.status, 'ending'), eq(grantGroups.status, 'held'), sql`${grantGroups.lastError} IS NOT NULL`))
      .orderBy(asc(grants.requestId))
      .all()
      .map((r) => r.requestId);
  }

  // --- pages (grants, pending) ---

  /** One page of active grants: time-bound ones first, soonest end first, then standing ones. */
  activeGrantsPage(filter: GrantFilter, limit: number, offset: number): Array<{ grant: GrantRow; request: RequestRow }> {
    return this.db
      .select({ grant: grants, request: requests })
      .from(grants)
      .innerJoin(requests, eq(requests.id, grants.requestId))
      .where(grantWhere(filter))
      .orderBy(sql`${grants.endsAt} IS NULL`, asc(grants.endsAt), asc(grants.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countActiveGrants(filter: GrantFilter): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(grants).where(grantWhere(filter)).get()?.n ?? 0;
  }

  /** One page of the requests that wait (see WAITING_STATUSES), oldest first. */
  waitingPage(limit: number, offset: number): RequestRow[] {
    return this.db
      .select()
      .from(requests)
      .where(waitingWhere)
      .orderBy(asc(requests.createdAt), asc(requests.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countWaiting(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(requests).where(waitingWhere).get()?.n ?? 0;
  }
}

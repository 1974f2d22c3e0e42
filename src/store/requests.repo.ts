/**
 * Requests and their approval steps and approver messages. Status changes are compare-and-set:
 * they only apply when the row is still in the expected status, and report whether they did.
 */
import { and, asc, desc, eq, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import type { RequestStatus } from '../domain/types.js';
import type { Db } from './db.js';
import { approvalSteps, approverMessages, requests, type RequestSnapshot } from './schema.js';

export type RequestRow = typeof requests.$inferSelect;
export type StepRow = typeof approvalSteps.$inferSelect;
export type ApproverMessageRow = typeof approverMessages.$inferSelect;
export type StepStatus = 'pending' | 'approved' | 'denied' | 'cancelled';

export interface NewRequest {
  readonly requesterSlackId: string;
  readonly requesterEmail: string | null;
  readonly requesterName: string | null;
  readonly requesterTitle?: string | null;
  readonly requesterDepartment?: string | null;
  readonly requesterManagerEmail?: string | null;
  readonly appId: string;
  readonly roleId: string;
  readonly snapshot: RequestSnapshot;
  readonly durationMs: number | null;
  readonly justification: string;
  readonly status: RequestStatus;
  readonly kind?: 'access' | 'extension';
  readonly grantId?: number | null;
}

/** A pending step of the request's current stage that `slackId` may decide (see `openStepsForApprover`). */
function openForApprover(slackId: string) {
  return and(
    eq(approvalSteps.status, 'pending'),
    eq(requests.status, 'pending_approval'),
    eq(requests.currentStage, approvalSteps.stageIndex),
    ne(requests.requesterSlackId, slackId),
    sql`EXISTS (SELECT 1 FROM json_each(${approvalSteps.approvers}) WHERE json_each.value = ${slackId})`,
  );
}

export class RequestsRepo {
  constructor(private readonly db: Db) {}

  insert(input: NewRequest, now: Date): RequestRow {
    const at = now.getTime();
    return this.db
      .insert(requests)
      .values({ ...input, currentStage: 0, createdAt: at, updatedAt: at })
      .returning()
      .get();
  }

  get(id: number): RequestRow | undefined {
    return this.db.select().from(requests).where(eq(requests.id, id)).get();
  }

  /** Moves a request from one of `from` to `to`; false if it was in another status (someone else acted). */
  transition(id: number, from: readonly RequestStatus[], to: RequestStatus, now: Date, extra: Partial<RequestRow> = {}): boolean {
    const result = this.db
      .update(requests)
      .set({ ...extra, status: to, updatedAt: now.getTime() })
      .where(and(eq(requests.id, id), inArray(requests.status, [...from])))
      .run();
    return result.changes === 1;
  }

  update(id: number, fields: Partial<Pick<RequestRow, 'jiraKey' | 'idpUserId' | 'currentStage' | 'failureReason' | 'receiptChannel' | 'receiptTs' | 'requesterEmail' | 'requesterName' | 'requesterTitle' | 'requesterDepartment' | 'requesterManagerEmail'>>, now: Date): void {
    this.db.update(requests).set({ ...fields, updatedAt: now.getTime() }).where(eq(requests.id, id)).run();
  }

  /** The requests filed as this Jira issue, oldest first: an access request and any extensions of it (they share the issue). */
  byJiraKey(jiraKey: string): RequestRow[] {
    return this.db.select().from(requests).where(eq(requests.jiraKey, jiraKey)).orderBy(asc(requests.id)).all();
  }

  listByRequester(slackId: string, statuses?: readonly RequestStatus[]): RequestRow[] {
    const where = statuses
      ? and(eq(requests.requesterSlackId, slackId), inArray(requests.status, [...statuses]))
      : eq(requests.requesterSlackId, slackId);
    return this.db.select().from(requests).where(where).orderBy(desc(requests.id)).all();
  }

  /** The requester's oldest access request for this app and role in one of `statuses` (not extensions). */
  firstAccessRequest(slackId: string, appId: string, roleId: string, statuses: readonly RequestStatus[]): RequestRow | undefined {
    return this.db
      .select()
      .from(requests)
      .where(
        and(
          eq(requests.requesterSlackId, slackId),
          eq(requests.appId, appId),
          eq(requests.roleId, roleId),
          eq(requests.kind, 'access'),
          inArray(requests.status, [...statuses]),
        ),
      )
      .orderBy(asc(requests.id))
      .get();
  }

  listByStatus(statuses: readonly RequestStatus[]): RequestRow[] {
    return this.db.select().from(requests).where(inArray(requests.status, [...statuses])).orderBy(asc(requests.id)).all();
  }

  /** One page of a requester's requests in these statuses, oldest first (App Home). */
  pageByRequester(slackId: string, statuses: readonly RequestStatus[], limit: number, offset: number): RequestRow[] {
    return this.db
      .select()
      .from(requests)
      .where(and(eq(requests.requesterSlackId, slackId), inArray(requests.status, [...statuses])))
      .orderBy(asc(requests.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countByRequester(slackId: string, statuses: readonly RequestStatus[]): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(requests)
        .where(and(eq(requests.requesterSlackId, slackId), inArray(requests.status, [...statuses])))
        .get()?.n ?? 0
    );
  }

  countByStatus(statuses: readonly RequestStatus[]): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(requests).where(inArray(requests.status, [...statuses])).get()?.n ?? 0;
  }

  /**
   * One page of the steps waiting for this person's decision now: pending, the current stage of a request
   * still waiting for approval, the person among the step's approvers (a JSON array) and not the requester.
   */
  openStepsForApprover(slackId: string, limit: number, offset: number): Array<{ step: StepRow; request: RequestRow }> {
    return this.db
      .select({ step: approvalSteps, request: requests })
      .from(approvalSteps)
      .innerJoin(requests, eq(requests.id, approvalSteps.requestId))
      .where(openForApprover(slackId))
      .orderBy(asc(approvalSteps.createdAt), asc(approvalSteps.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countOpenStepsForApprover(slackId: string): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(approvalSteps)
        .innerJoin(requests, eq(requests.id, approvalSteps.requestId))
        .where(openForApprover(slackId))
        .get()?.n ?? 0
    );
  }

  // --- approval steps ---

  insertStep(input: { requestId: number; stageIndex: number; stage: string; approvers: string[]; escalationReason: string | null }, now: Date): StepRow {
    return this.db
      .insert(approvalSteps)
      .values({ ...input, status: 'pending', createdAt: now.getTime() })
      .returning()
      .get();
  }

  getStep(id: number): StepRow | undefined {
    return this.db.select().from(approvalSteps).where(eq(approvalSteps.id, id)).get();
  }

  stepFor(requestId: number, stageIndex: number): StepRow | undefined {
    return this.db
      .select()
      .from(approvalSteps)
      .where(and(eq(approvalSteps.requestId, requestId), eq(approvalSteps.stageIndex, stageIndex)))
      .get();
  }

  steps(requestId: number): StepRow[] {
    return this.db.select().from(approvalSteps).where(eq(approvalSteps.requestId, requestId)).orderBy(asc(approvalSteps.stageIndex)).all();
  }

  /** Records a decision only if the step is still pending; false means someone decided first. */
  decideStep(id: number, decision: { status: Exclude<StepStatus, 'pending'>; decidedBy: string; reason: string | null }, now: Date): boolean {
    const result = this.db
      .update(approvalSteps)
      .set({ status: decision.status, decidedBy: decision.decidedBy, reason: decision.reason, decidedAt: now.getTime() })
      .where(and(eq(approvalSteps.id, id), eq(approvalSteps.status, 'pending')))
      .run();
    return result.changes === 1;
  }

  /**
   * Pending steps of requests still waiting for approval, created at or before `createdBefore` (ms),
   * that have not had the given mark yet: what the reminder and escalation sweeps look at.
   */
  openStepsWithout(mark: 'remindedAt' | 'escalatedAt', createdBefore: number): StepRow[] {
    return this.db
      .select({ step: approvalSteps })
      .from(approvalSteps)
      .innerJoin(requests, eq(requests.id, approvalSteps.requestId))
      .where(
        and(
          eq(approvalSteps.status, 'pending'),
          eq(requests.status, 'pending_approval'),
          isNull(approvalSteps[mark]),
          lte(approvalSteps.createdAt, createdBefore),
        ),
      )
      .orderBy(asc(approvalSteps.createdAt), asc(approvalSteps.id))
      .all()
      .map((row) => row.step);
  }

  /** Sets `reminded_at` or `escalated_at` once, while the step is pending; false if it was set already. */
  markStep(id: number, mark: 'remindedAt' | 'escalatedAt', now: Date): boolean {
    const result = this.db
      .update(approvalSteps)
      .set({ [mark]: now.getTime() })
      .where(and(eq(approvalSteps.id, id), eq(approvalSteps.status, 'pending'), isNull(approvalSteps[mark])))
      .run();
    return result.changes === 1;
  }

  /** Replaces a pending step's approvers only if they are still exactly `from`; false if they changed or the step closed. */
  setStepApprovers(id: number, from: readonly string[], to: readonly string[]): boolean {
    const result = this.db
      .update(approvalSteps)
      .set({ approvers: [...to] })
      .where(and(eq(approvalSteps.id, id), eq(approvalSteps.status, 'pending'), eq(approvalSteps.approvers, [...from])))
      .run();
    return result.changes === 1;
  }

  /** Closes every pending step of a request as `cancelled` (nobody decided it); returns the closed steps' ids. */
  cancelOpenSteps(requestId: number, now: Date): number[] {
    return this.db
      .update(approvalSteps)
      .set({ status: 'cancelled', decidedAt: now.getTime() })
      .where(and(eq(approvalSteps.requestId, requestId), eq(approvalSteps.status, 'pending')))
      .returning({ id: approvalSteps.id })
      .all()
      .map((row) => row.id);
  }

  /** Requests waiting for approval since `createdBefore` (ms) or earlier, oldest first. */
  pendingCreatedBefore(createdBefore: number, limit: number): RequestRow[] {
    return this.db
      .select()
      .from(requests)
      .where(and(eq(requests.status, 'pending_approval'), lte(requests.createdAt, createdBefore)))
      .orderBy(asc(requests.createdAt), asc(requests.id))
      .limit(limit)
      .all();
  }

  // --- approver messages ---

  recordApproverMessage(stepId: number, approverSlackId: string, channel: string, ts: string, now: Date): void {
    this.db
      .insert(approverMessages)
      .values({ stepId, approverSlackId, channel, ts, createdAt: now.getTime() })
      .onConflictDoUpdate({ target: [approverMessages.stepId, approverMessages.approverSlackId], set: { channel, ts } })
      .run();
  }

  approverMessage(stepId: number, approverSlackId: string): ApproverMessageRow | undefined {
    return this.db
      .select()
      .from(approverMessages)
      .where(and(eq(approverMessages.stepId, stepId), eq(approverMessages.approverSlackId, approverSlackId)))
      .get();
  }

  approverMessages(stepId: number): ApproverMessageRow[] {
    return this.db.select().from(approverMessages).where(eq(approverMessages.stepId, stepId)).orderBy(asc(approverMessages.id)).all();
  }
}

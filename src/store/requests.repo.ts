/**
 * Requests and their approval steps and approver messages. Status changes are compare-and-set:
 * they only apply when the row is still in the expected status, and report whether they did.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
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

  update(id: number, fields: Partial<Pick<RequestRow, 'jiraKey' | 'idpUserId' | 'currentStage' | 'failureReason' | 'requesterEmail' | 'requesterName' | 'requesterTitle' | 'requesterDepartment' | 'requesterManagerEmail'>>, now: Date): void {
    this.db.update(requests).set({ ...fields, updatedAt: now.getTime() }).where(eq(requests.id, id)).run();
  }

  listByRequester(slackId: string, statuses?: readonly RequestStatus[]): RequestRow[] {
    const where = statuses
      ? and(eq(requests.requesterSlackId, slackId), inArray(requests.status, [...statuses]))
      : eq(requests.requesterSlackId, slackId);
    return this.db.select().from(requests).where(where).orderBy(desc(requests.id)).all();
  }

  listByStatus(statuses: readonly RequestStatus[]): RequestRow[] {
    return this.db.select().from(requests).where(inArray(requests.status, [...statuses])).orderBy(asc(requests.id)).all();
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

/**
 * Delegations (an approver away, who decides for them, until when) and the approval steps a delegate was
 * asked on for an away approver.
 */
import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from './db.js';
import { delegations, stepDelegates } from './schema.js';

export type DelegationRow = typeof delegations.$inferSelect;
export type StepDelegateRow = typeof stepDelegates.$inferSelect;

export class DelegationsRepo {
  constructor(private readonly db: Db) {}

  insert(input: Pick<DelegationRow, 'approverSlackId' | 'delegateSlackId' | 'startsAt' | 'endsAt' | 'createdBy'>): DelegationRow {
    return this.db.insert(delegations).values({ ...input, endedAt: null, endedBy: null, endReason: null }).returning().get();
  }

  get(id: number): DelegationRow | undefined {
    return this.db.select().from(delegations).where(eq(delegations.id, id)).get();
  }

  /** The approver's delegation in force at `atMs`, if any. */
  activeOf(approverSlackId: string, atMs: number): DelegationRow | undefined {
    return this.db
      .select()
      .from(delegations)
      .where(and(eq(delegations.approverSlackId, approverSlackId), isNull(delegations.endedAt), lte(delegations.startsAt, atMs), gt(delegations.endsAt, atMs)))
      .orderBy(asc(delegations.id))
      .get();
  }

  /** Every delegation in force at `atMs`, soonest end first. */
  active(atMs: number): DelegationRow[] {
    return this.db
      .select()
      .from(delegations)
      .where(and(isNull(delegations.endedAt), lte(delegations.startsAt, atMs), gt(delegations.endsAt, atMs)))
      .orderBy(asc(delegations.endsAt), asc(delegations.id))
      .all();
  }

  /** Delegations whose date has come and that are not marked ended yet. */
  due(atMs: number, limit: number): DelegationRow[] {
    return this.db.select().from(delegations).where(and(isNull(delegations.endedAt), lte(delegations.endsAt, atMs))).orderBy(asc(delegations.endsAt)).limit(limit).all();
  }

  /** Marks it ended, once; false when it had ended already. */
  end(id: number, end: { at: Date; by: string; reason: 'ended' | 'expired' }): boolean {
    return (
      this.db
        .update(delegations)
        .set({ endedAt: end.at.getTime(), endedBy: end.by, endReason: end.reason })
        .where(and(eq(delegations.id, id), isNull(delegations.endedAt)))
        .run().changes === 1
    );
  }

  addStepDelegate(input: Pick<StepDelegateRow, 'stepId' | 'delegationId' | 'forSlackId' | 'delegateSlackId' | 'added'>, now: Date): StepDelegateRow {
    return this.db.insert(stepDelegates).values({ ...input, createdAt: now.getTime(), endedAt: null }).returning().get();
  }

  /** Every delegate asked on the step, live and ended, oldest first. */
  forStep(stepId: number): StepDelegateRow[] {
    return this.db.select().from(stepDelegates).where(eq(stepDelegates.stepId, stepId)).orderBy(asc(stepDelegates.id)).all();
  }

  /** The steps the delegation still has a delegate on. */
  liveOfDelegation(delegationId: number): StepDelegateRow[] {
    return this.db.select().from(stepDelegates).where(and(eq(stepDelegates.delegationId, delegationId), isNull(stepDelegates.endedAt))).orderBy(asc(stepDelegates.id)).all();
  }

  endStepDelegate(id: number, at: Date): boolean {
    return this.db.update(stepDelegates).set({ endedAt: at.getTime() }).where(and(eq(stepDelegates.id, id), isNull(stepDelegates.endedAt))).run().changes === 1;
  }
}

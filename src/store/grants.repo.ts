/**
 * Grants: a membership Keycard gave, from the moment the IdP confirmed it until it ended.
 */
import { and, asc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { GrantStatus } from '../domain/types.js';
import type { Db } from './db.js';
import { grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;
export type { GrantStatus } from '../domain/types.js';

export class GrantsRepo {
  constructor(private readonly db: Db) {}

  insert(input: Omit<GrantRow, 'id' | 'status' | 'endedAt' | 'endReason' | 'warnedAt'>): GrantRow {
    return this.db
      .insert(grants)
      .values({ ...input, status: 'active', endedAt: null, endReason: null, warnedAt: null })
      .returning()
      .get();
  }

  get(id: number): GrantRow | undefined {
    return this.db.select().from(grants).where(eq(grants.id, id)).get();
  }

  forRequest(requestId: number): GrantRow | undefined {
    return this.db.select().from(grants).where(eq(grants.requestId, requestId)).get();
  }

  /** Active grants whose end time has come, oldest first. */
  due(now: Date, limit: number): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.status, 'active'), lte(grants.endsAt, now.getTime())))
      .orderBy(asc(grants.endsAt))
      .limit(limit)
      .all();
  }

  /**
   * Active time-bound grants that are due their "ends soon" DM and have not had it: the lead time is
   * `shortLeadMs` for grants of an hour or less, else `leadMs`.
   */
  dueForWarning(now: Date, shortLeadMs: number, leadMs: number, limit: number): GrantRow[] {
    const at = now.getTime();
    return this.db
      .select()
      .from(grants)
      .where(
        and(
          eq(grants.status, 'active'),
          isNull(grants.warnedAt),
          sql`${grants.endsAt} > ${at}`,
          sql`${grants.endsAt} - CASE WHEN ${grants.endsAt} - ${grants.startsAt} <= 3600000 THEN ${shortLeadMs} ELSE ${leadMs} END <= ${at}`,
        ),
      )
      .orderBy(asc(grants.endsAt))
      .limit(limit)
      .all();
  }

  /** Marks the warning sent; false if another sweep already did (so it goes once). */
  markWarned(id: number, now: Date): boolean {
    return this.db.update(grants).set({ warnedAt: now.getTime() }).where(and(eq(grants.id, id), isNull(grants.warnedAt))).run().changes === 1;
  }

  /** Moves the end of an active grant, if it still ends where the caller saw it; the warning is re-armed. */
  extend(id: number, fromEndsAt: number, toEndsAt: number): boolean {
    return (
      this.db
        .update(grants)
        .set({ endsAt: toEndsAt, warnedAt: null })
        .where(and(eq(grants.id, id), eq(grants.status, 'active'), eq(grants.endsAt, fromEndsAt)))
        .run().changes === 1
    );
  }

  /** The user's active grant of this app and role, if any. */
  activeOf(userSlackId: string, appId: string, roleId: string): GrantRow | undefined {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userSlackId, userSlackId), eq(grants.appId, appId), eq(grants.roleId, roleId), eq(grants.status, 'active')))
      .get();
  }

  /** Compare-and-set status change; false if the grant was no longer in `from`. */
  transition(id: number, from: GrantStatus, to: GrantStatus, fields: Partial<Pick<GrantRow, 'endedAt' | 'endReason'>> = {}): boolean {
    return (
      this.db
        .update(grants)
        .set({ ...fields, status: to })
        .where(and(eq(grants.id, id), eq(grants.status, from)))
        .run().changes === 1
    );
  }

  activeFor(userSlackId: string): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userSlackId, userSlackId), eq(grants.status, 'active')))
      .orderBy(asc(grants.endsAt))
      .all();
  }

  countActive(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(grants).where(eq(grants.status, 'active')).get()?.n ?? 0;
  }

  /** One page of the user's active grants: time-bound ones first, soonest end first, then standing ones (App Home). */
  activePageFor(userSlackId: string, limit: number, offset: number): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userSlackId, userSlackId), eq(grants.status, 'active')))
      .orderBy(sql`${grants.endsAt} IS NULL`, asc(grants.endsAt), asc(grants.id))
      .limit(limit)
      .offset(offset)
      .all();
  }

  countActiveFor(userSlackId: string): number {
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(grants)
        .where(and(eq(grants.userSlackId, userSlackId), eq(grants.status, 'active')))
        .get()?.n ?? 0
    );
  }

  /** Active grants with an end time: the elevated access an admin keeps an eye on. */
  countActiveTimeBound(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(grants).where(and(eq(grants.status, 'active'), isNotNull(grants.endsAt))).get()?.n ?? 0;
  }
}

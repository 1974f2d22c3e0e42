/**
 * Grants: a membership Keycard gave, from the moment the IdP confirmed it until it ended.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;
export type GrantStatus = 'active' | 'ending' | 'expired' | 'revoked' | 'relinquished';

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
}

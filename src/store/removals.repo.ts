/**
 * Memberships removed outside any Keycard grant (schema.ts `group_removals`): the claim that makes one
 * membership be removed once when an access review and a reclaim revoke it at the same time.
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from './db.js';
import { groupRemovals } from './schema.js';

export type GroupRemovalRow = typeof groupRemovals.$inferSelect;

export interface MembershipRef {
  readonly provider: string;
  readonly idpUserId: string;
  readonly groupId: string;
}

/**
 * What a claim found: `claimed` (the caller removes it now), `busy` (someone else is removing it right now),
 * or `done` (someone else removed it after the caller saw the membership: nothing left to do).
 */
export type RemovalClaim = { readonly kind: 'claimed'; readonly row: GroupRemovalRow } | { readonly kind: 'busy'; readonly row: GroupRemovalRow } | { readonly kind: 'done'; readonly row: GroupRemovalRow };

export class RemovalsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Claims the removal of one membership for `by`. A removal already under way by someone else is `busy`; one
   * that failed is taken over; one finished since `seenAt` (when the caller saw the membership) is `done`.
   * Call inside a transaction.
   */
  claim(ref: MembershipRef, by: string, seenAt: number, now: Date): RemovalClaim {
    const same = and(eq(groupRemovals.provider, ref.provider), eq(groupRemovals.idpUserId, ref.idpUserId), eq(groupRemovals.groupId, ref.groupId));
    const open = this.db.select().from(groupRemovals).where(and(same, inArray(groupRemovals.status, ['removing', 'failed']))).get();
    if (open) {
      if (open.status === 'removing' && open.by !== by) return { kind: 'busy', row: open };
      this.db.update(groupRemovals).set({ status: 'removing', by, error: null }).where(eq(groupRemovals.id, open.id)).run();
      return { kind: 'claimed', row: { ...open, status: 'removing', by, error: null } };
    }
    const finished = this.db.select().from(groupRemovals).where(and(same, eq(groupRemovals.status, 'done'), gte(groupRemovals.finishedAt, seenAt))).orderBy(desc(groupRemovals.finishedAt)).get();
    if (finished && finished.by !== by) return { kind: 'done', row: finished };
    const row = this.db
      .insert(groupRemovals)
      .values({ ...ref, status: 'removing', by, startedAt: now.getTime() })
      .returning()
      .get();
    return { kind: 'claimed', row };
  }

  finish(id: number, outcome: string, now: Date): void {
    this.db.update(groupRemovals).set({ status: 'done', outcome, finishedAt: now.getTime(), error: null }).where(eq(groupRemovals.id, id)).run();
  }

  fail(id: number, error: string): void {
    this.db.update(groupRemovals).set({ status: 'failed', error }).where(and(eq(groupRemovals.id, id), eq(groupRemovals.status, 'removing'))).run();
  }
}

/**
 * Grants: a membership Keycard gave, from the moment the IdP confirmed it until it ended.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import type { GrantStatus } from '../domain/types.js';
import type { Db } from './db.js';
import { grantGroups, grants } from './schema.js';

export type GrantRow = typeof grants.$inferSelect;
export type GrantGroupRow = typeof grantGroups.$inferSelect;
/** How a held group left a grant (see schema.ts `grantGroups`). */
export type GroupOutcome = 'removed' | 'not_member' | 'no_group' | 'kept' | 'by_hand';
export type { GrantStatus } from '../domain/types.js';

/** Columns a status move may write with it. */
export type GrantMoveField = 'endedAt' | 'endReason' | 'startsAt' | 'endsAt' | 'endingReason' | 'endingSince' | 'endingNote';

export class GrantsRepo {
  constructor(private readonly db: Db) {}

  /** A new grant: `active` (a manual app, fulfilled by a person) or `provisioning` (groups being added). */
  insert(input: Omit<GrantRow, 'id' | 'status' | 'endedAt' | 'endReason' | 'warnedAt' | 'endingReason' | 'endingSince' | 'endingNote'>, status: 'active' | 'provisioning' = 'active'): GrantRow {
    return this.db
      .insert(grants)
      .values({ ...input, status, endedAt: null, endReason: null, warnedAt: null, endingReason: null, endingSince: null, endingNote: null })
      .returning()
      .get();
  }

  /** The groups the grant holds now, in the order they were added. */
  held(grantId: number): GrantGroupRow[] {
    return this.db.select().from(grantGroups).where(and(eq(grantGroups.grantId, grantId), eq(grantGroups.status, 'held'))).orderBy(asc(grantGroups.id)).all();
  }

  /** Every group row of the grant, held and gone, oldest first (the whole story). */
  groupRows(grantId: number): GrantGroupRow[] {
    return this.db.select().from(grantGroups).where(eq(grantGroups.grantId, grantId)).orderBy(asc(grantGroups.id)).all();
  }

  /** Records a confirmed add; a group already held is left as it is (a re-run add is idempotent). */
  markHeld(grantId: number, groupId: string, now: Date): void {
    const already = this.db.select({ id: grantGroups.id }).from(grantGroups).where(and(eq(grantGroups.grantId, grantId), eq(grantGroups.groupId, groupId), eq(grantGroups.status, 'held'))).get();
    if (already) return;
    this.db.insert(grantGroups).values({ grantId, groupId, status: 'held', addedAt: now.getTime() }).run();
  }

  /** Records a held group as gone, once (compare-and-set on `held`); false if it had gone already. */
  markGone(rowId: number, gone: { outcome: GroupOutcome; at: Date; by: string; note?: string | null }): boolean {
    return (
      this.db
        .update(grantGroups)
        .set({ status: 'gone', outcome: gone.outcome, goneAt: gone.at.getTime(), goneBy: gone.by, note: gone.note ?? null })
        .where(and(eq(grantGroups.id, rowId), eq(grantGroups.status, 'held')))
        .run().changes === 1
    );
  }

  /** Notes a failed removal on a group that stays held. */
  markRemovalFailed(rowId: number, error: string, at: Date): void {
    this.db.update(grantGroups).set({ lastError: error, lastErrorAt: at.getTime() }).where(and(eq(grantGroups.id, rowId), eq(grantGroups.status, 'held'))).run();
  }

  /**
   * The other grants of the same provider account that still need their groups: active ones, and ones
   * being provisioned (their groups may be added any moment). Read fresh by the removal job.
   */
  othersNeedingGroups(grant: GrantRow): GrantRow[] {
    if (!grant.idpUserId) return [];
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.provider, grant.provider), eq(grants.idpUserId, grant.idpUserId), ne(grants.id, grant.id), inArray(grants.status, ['active', 'provisioning'])))
      .orderBy(asc(grants.id))
      .all();
  }

  /** Live grants (active or provisioning) of one provider account: whether a group is still needed. */
  liveOfAccount(provider: string, idpUserId: string): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.provider, provider), eq(grants.idpUserId, idpUserId), inArray(grants.status, ['active', 'provisioning'])))
      .orderBy(asc(grants.id))
      .all();
  }

  /** Grants whose removal has not finished, oldest first (for `/access-admin status`). */
  ending(limit: number): GrantRow[] {
    return this.db.select().from(grants).where(eq(grants.status, 'ending')).orderBy(asc(grants.id)).limit(limit).all();
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
  transition(id: number, from: GrantStatus, to: GrantStatus, fields: Partial<Pick<GrantRow, GrantMoveField>> = {}): boolean {
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

  /**
   * The memberships Keycard accounts for in one provider, as `idpUserId \u0000 groupId`: the groups live
   * grants hold (active, or being removed), and every group of a grant being provisioned (an add may land
   * any moment before it is recorded). Everything else in a catalog group was put there by someone else.
   */
  keycardMemberships(provider: string): Set<string> {
    const held = this.db
      .select({ user: grants.idpUserId, group: grantGroups.groupId })
      .from(grantGroups)
      .innerJoin(grants, eq(grantGroups.grantId, grants.id))
      .where(and(eq(grants.provider, provider), eq(grantGroups.status, 'held'), inArray(grants.status, ['active', 'ending', 'provisioning'])))
      .all();
    const planned = this.db
      .select({ user: grants.idpUserId, groups: grants.groups })
      .from(grants)
      .where(and(eq(grants.provider, provider), eq(grants.status, 'provisioning')))
      .all();
    const found = new Set<string>();
    for (const row of held) if (row.user) found.add(`${row.user}\u0000${row.group}`);
    for (const row of planned) if (row.user) for (const group of row.groups) found.add(`${row.user}\u0000${group}`);
    return found;
  }

  /** The person's grants that still hold or are about to hold access (provisioning, active, ending), oldest first. */
  liveFor(userSlackId: string): GrantRow[] {
    return this.db
      .select()
      .from(grants)
      .where(and(eq(grants.userSlackId, userSlackId), inArray(grants.status, ['provisioning', 'active', 'ending'])))
      .orderBy(asc(grants.id))
      .all();
  }
}

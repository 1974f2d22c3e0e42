/**
 * Access review campaigns and their items (src/workflows/review/). Items are written once when a campaign
 * is built from what the identity providers listed; afterwards only decisions and enforcement change.
 */
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { grants, reviewCampaigns, reviewItems } from './schema.js';

export type CampaignRow = typeof reviewCampaigns.$inferSelect;
export type ReviewItemRow = typeof reviewItems.$inferSelect;
export type CampaignStatus = 'building' | 'open' | 'closed' | 'failed';
export type ItemEnforcement = 'pending' | 'removing' | 'confirmed' | 'failed';

export type NewReviewItem = Omit<
  ReviewItemRow,
  'id' | 'campaignId' | 'decision' | 'decisionReason' | 'decisionNote' | 'decidedBy' | 'decidedAt' | 'flagged' | 'enforcement' | 'enforcedAt' | 'enforcementError' | 'removed'
>;

export class ReviewsRepo {
  constructor(private readonly db: Db) {}

  insertCampaign(input: Pick<CampaignRow, 'name' | 'apps' | 'reviewer' | 'dueAt' | 'unreviewed' | 'createdBy'>, now: Date): CampaignRow {
    return this.db
      .insert(reviewCampaigns)
      .values({ ...input, status: 'building', createdAt: now.getTime() })
      .returning()
      .get();
  }

  campaign(id: number): CampaignRow | undefined {
    return this.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id)).get();
  }

  /** Newest first. */
  campaigns(statuses?: readonly CampaignStatus[]): CampaignRow[] {
    const q = this.db.select().from(reviewCampaigns);
    const rows = statuses ? q.where(inArray(reviewCampaigns.status, [...statuses])).all() : q.all();
    return rows.sort((a, b) => b.id - a.id);
  }

  /** Compare-and-set on the campaign's status; false when it was not in `from`. */
  moveCampaign(id: number, from: CampaignStatus, to: CampaignStatus, fields: Partial<Pick<CampaignRow, 'failure' | 'closedAt' | 'closedBy'>> = {}): boolean {
    return this.db.update(reviewCampaigns).set({ status: to, ...fields }).where(and(eq(reviewCampaigns.id, id), eq(reviewCampaigns.status, from))).run().changes === 1;
  }

  updateCampaign(id: number, fields: Partial<Pick<CampaignRow, 'jiraKey' | 'jiraUrl' | 'remindedAt'>>): void {
    this.db.update(reviewCampaigns).set(fields).where(eq(reviewCampaigns.id, id)).run();
  }

  insertItems(campaignId: number, items: readonly NewReviewItem[]): void {
    // SQLite caps bound parameters per statement; 32 columns × 25 rows stays well under it.
    for (let i = 0; i < items.length; i += 25) {
      this.db
        .insert(reviewItems)
        .values(items.slice(i, i + 25).map((item) => ({ ...item, campaignId })))
        .run();
    }
  }

  item(id: number): ReviewItemRow | undefined {
    return this.db.select().from(reviewItems).where(eq(reviewItems.id, id)).get();
  }

  items(campaignId: number): ReviewItemRow[] {
    return this.db.select().from(reviewItems).where(eq(reviewItems.campaignId, campaignId)).orderBy(asc(reviewItems.id)).all();
  }

  /** Items one reviewer is asked to decide (an admin also gets those routed to the admins), never about their own access. */
  itemsOfReviewer(campaignId: number, slackId: string, admin: boolean): ReviewItemRow[] {
    const mine = admin ? or(eq(reviewItems.reviewerSlackId, slackId), isNull(reviewItems.reviewerSlackId)) : eq(reviewItems.reviewerSlackId, slackId);
    return this.db
      .select()
      .from(reviewItems)
      .where(and(eq(reviewItems.campaignId, campaignId), mine, or(isNull(reviewItems.slackId), ne(reviewItems.slackId, slackId))))
      .orderBy(asc(reviewItems.id))
      .all();
  }

  /** How many items `itemsOfReviewer` would return, and how many of them are undecided: one counting query. */
  countsOfReviewer(campaignId: number, slackId: string, admin: boolean): { total: number; left: number } {
    const mine = admin ? or(eq(reviewItems.reviewerSlackId, slackId), isNull(reviewItems.reviewerSlackId)) : eq(reviewItems.reviewerSlackId, slackId);
    const row = this.db
      .select({ total: sql<number>`count(*)`, left: sql<number>`coalesce(sum(case when ${reviewItems.decision} is null then 1 else 0 end), 0)` })
      .from(reviewItems)
      .where(and(eq(reviewItems.campaignId, campaignId), mine, or(isNull(reviewItems.slackId), ne(reviewItems.slackId, slackId))))
      .get();
    return { total: Number(row?.total ?? 0), left: Number(row?.left ?? 0) };
  }

  itemsByIds(ids: readonly number[]): ReviewItemRow[] {
    if (ids.length === 0) return [];
    return this.db.select().from(reviewItems).where(inArray(reviewItems.id, [...ids])).all();
  }

  /** Items of open campaigns a revoke is enforcing through this grant's removal. */
  revokingThroughGrant(grantId: number): ReviewItemRow[] {
    return this.db
      .select()
      .from(reviewItems)
      .where(and(eq(reviewItems.grantId, grantId), eq(reviewItems.decision, 'revoke'), inArray(reviewItems.enforcement, ['removing', 'failed'])))
      .all();
  }

  /** Sets the decision unless the item's revoke is already under way or done; false then. */
  decide(id: number, decision: { decision: 'keep' | 'revoke'; reason: string | null; note: string | null; by: string; at: Date; flagged?: boolean }): boolean {
    return (
      this.db
        .update(reviewItems)
        .set({
          decision: decision.decision,
          decisionReason: decision.reason,
          decisionNote: decision.note,
          decidedBy: decision.by,
          decidedAt: decision.at.getTime(),
          flagged: decision.flagged ?? false,
          enforcement: decision.decision === 'revoke' ? 'pending' : null,
          enforcementError: null,
        })
        .where(and(eq(reviewItems.id, id), sql`coalesce(${reviewItems.enforcement}, 'pending') = 'pending'`))
        .run().changes === 1
    );
  }

  /** Compare-and-set on an item's enforcement. */
  moveEnforcement(id: number, from: readonly (ItemEnforcement | null)[], to: ItemEnforcement, fields: { at?: Date; error?: string | null } = {}): boolean {
    const allowed = from.filter((f): f is ItemEnforcement => f !== null);
    const fromNull = from.includes(null);
    const cond = fromNull
      ? allowed.length > 0
        ? sql`(${reviewItems.enforcement} is null or ${reviewItems.enforcement} in ${allowed})`
        : isNull(reviewItems.enforcement)
      : inArray(reviewItems.enforcement, allowed);
    return (
      this.db
        .update(reviewItems)
        .set({
          enforcement: to,
          ...(fields.at ? { enforcedAt: fields.at.getTime() } : {}),
          ...(fields.error !== undefined ? { enforcementError: fields.error } : {}),
        })
        .where(and(eq(reviewItems.id, id), cond))
        .run().changes === 1
    );
  }

  /** Records a group of the item confirmed gone (or kept for another grant) by the provider. */
  recordRemoved(id: number, group: string, outcome: string): void {
    const item = this.item(id);
    if (!item) return;
    this.db
      .update(reviewItems)
      .set({ removed: { ...item.removed, [group]: outcome } })
      .where(eq(reviewItems.id, id))
      .run();
  }

  /** The Keycard grant behind a provider membership: live, same provider account, app and role. */
  liveGrantFor(provider: string, idpUserId: string, appId: string, roleId: string): { id: number; requestId: number; userSlackId: string } | undefined {
    return this.db
      .select({ id: grants.id, requestId: grants.requestId, userSlackId: grants.userSlackId })
      .from(grants)
      .where(and(eq(grants.provider, provider), eq(grants.idpUserId, idpUserId), eq(grants.appId, appId), eq(grants.roleId, roleId), inArray(grants.status, ['active', 'provisioning', 'ending'])))
      .orderBy(asc(grants.id))
      .get();
  }
}

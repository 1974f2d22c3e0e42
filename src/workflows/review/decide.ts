/**
 * Reviewers decide: Keep or Revoke (with a reason), one item or every recommended keep of a page at once.
 * Every click is checked against fresh state: the campaign is open, the clicker is the item's reviewer or
 * an admin, the item is not about the clicker's own access, and a revoke is not already being enforced.
 * A Revoke is enforced after `reviewRevokeAfterMs` (src/workflows/review/enforce.ts), so a mistaken click
 * can still be changed.
 */
import { isRevokeReason, type RevokeReason } from '../../domain/review.js';
import type { ReviewItemRow } from '../../store/reviews.repo.js';
import type { WorkflowDeps } from '../shared/deps.js';

export type Decision = { decision: 'keep' } | { decision: 'revoke'; reason: RevokeReason; note: string | null };

export interface DecideOutcome {
  readonly decided: readonly ReviewItemRow[];
  /** One plain sentence per item refused, naming the item. */
  readonly refused: readonly string[];
}

/** Why `slackId` may not decide this item; null when they may. */
export function whyNotDecide(deps: WorkflowDeps, slackId: string, item: ReviewItemRow): string | null {
  const who = `${item.name}'s ${item.appId}/${item.roleId}`;
  if (item.slackId === slackId) return `${who} is your own access: someone else decides it`;
  const admin = deps.admins.includes(slackId);
  if (item.reviewerSlackId !== slackId && !admin) {
    return item.reviewerSlackId ? `${who} is for <@${item.reviewerSlackId}> to review` : `${who} is for the Keycard admins to review`;
  }
  return null;
}

/** Items `slackId` is asked to review in a campaign (admins: also the ones routed to the admins). */
export function itemsFor(deps: WorkflowDeps, campaignId: number, slackId: string): ReviewItemRow[] {
  return deps.store.reviews.itemsOfReviewer(campaignId, slackId, deps.admins.includes(slackId));
}

export function decideItems(deps: WorkflowDeps, slackId: string, itemIds: readonly number[], decision: Decision): DecideOutcome {
  if (decision.decision === 'revoke') {
    if (!isRevokeReason(decision.reason)) return { decided: [], refused: [`'${String(decision.reason)}' is not a revoke reason`] };
    if (decision.reason === 'other' && !decision.note?.trim()) return { decided: [], refused: ['Revoke reason: with "Other", say why in a few words'] };
  }
  const { store } = deps;
  return store.tx(() => {
    const now = deps.clock.now();
    const decided: ReviewItemRow[] = [];
    const refused: string[] = [];
    for (const item of store.reviews.itemsByIds(itemIds)) {
      const campaign = store.reviews.campaign(item.campaignId);
      if (!campaign || campaign.status !== 'open') {
        refused.push(`review #${item.campaignId} is ${campaign?.status ?? 'gone'}: decisions are closed`);
        continue;
      }
      const why = whyNotDecide(deps, slackId, item);
      if (why) {
        refused.push(why);
        continue;
      }
      const reason = decision.decision === 'revoke' ? decision.reason : null;
      const note = decision.decision === 'revoke' ? (decision.note?.trim() || null) : null;
      if (item.decision === decision.decision && item.decisionReason === reason && item.decisionNote === note) {
        decided.push(item);
        continue;
      }
      if (!store.reviews.decide(item.id, { decision: decision.decision, reason, note, by: slackId, at: now })) {
        refused.push(`${item.name}'s ${item.appId}/${item.roleId} is already being revoked: the decision can no longer change`);
        continue;
      }
      store.audit.append({
        at: now,
        actor: { kind: 'user', slackId },
        action: 'review.decided',
        requestId: item.requestId,
        data: { campaignId: item.campaignId, itemId: item.id, decision: decision.decision, reason, note, previous: item.decision, person: item.email, app: item.appId, role: item.roleId },
      });
      if (decision.decision === 'revoke') {
        store.jobs.enqueue({ kind: 'review.revoke', payload: { itemId: item.id, decidedAt: now.getTime() }, orderKey: `review-item:${item.id}`, runAt: new Date(now.getTime() + deps.timing.reviewRevokeAfterMs) }, now);
      }
      const fresh = store.reviews.item(item.id);
      if (fresh) decided.push(fresh);
    }
    return { decided, refused };
  });
}

/** Keep for every undecided item recommended keep among `itemIds` (the page in view). */
export function keepRecommended(deps: WorkflowDeps, slackId: string, itemIds: readonly number[]): DecideOutcome {
  const ids = deps.store.reviews
    .itemsByIds(itemIds)
    .filter((i) => i.decision === null && i.recommendation === 'keep')
    .map((i) => i.id);
  return decideItems(deps, slackId, ids, { decision: 'keep' });
}

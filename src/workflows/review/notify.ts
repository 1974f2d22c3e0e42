/**
 * Telling people about a review: the campaign's Jira issue, one DM per reviewer with **Open review**,
 * reminders to reviewers who still have undecided items (none once they are done), and the admin's
 * "ready" DM with the item count.
 */
import type { JobOf } from '../../store/jobs.repo.js';
import type { ReviewItemRow } from '../../store/reviews.repo.js';
import type { SideEffectDeps, WorkflowDeps } from '../shared/deps.js';
import { itemsFor } from './decide.js';
import { campaignLabel } from './start.js';
import { reviewJiraWords, reviewSlackWords } from './words.js';

/** Everyone asked to review in a campaign: the assigned reviewers, and the admins when items went to them. */
export function reviewersOf(deps: WorkflowDeps, items: readonly ReviewItemRow[]): string[] {
  const people = new Set<string>();
  for (const item of items) {
    if (item.reviewerSlackId) people.add(item.reviewerSlackId);
    else for (const admin of deps.admins) if (admin !== item.slackId) people.add(admin);
  }
  return [...people];
}

/** Queues one DM per reviewer; `onlyOpen` keeps those who have nothing left to decide out (reminders). In a transaction. */
export function enqueueReviewerDms(deps: WorkflowDeps, campaignId: number, now: Date, reminder = false): number {
  const { store } = deps;
  const items = store.reviews.items(campaignId);
  let sent = 0;
  for (const to of reviewersOf(deps, items)) {
    if (reminder && !itemsFor(deps, campaignId, to).some((i) => i.decision === null)) continue;
    store.jobs.enqueue({ kind: 'review.reviewer_dm', payload: { campaignId, to, reminder }, orderKey: `dm:${to}` }, now);
    sent += 1;
  }
  return sent;
}

export async function reviewerDmJob(deps: SideEffectDeps, job: JobOf<'review.reviewer_dm'>): Promise<void> {
  const { campaignId, to, reminder } = job.payload;
  const campaign = deps.store.reviews.campaign(campaignId);
  if (!campaign || campaign.status !== 'open') return;
  const mine = itemsFor(deps, campaignId, to);
  const open = mine.filter((i) => i.decision === null).length;
  if (mine.length === 0 || (reminder && open === 0)) return;
  await deps.notifier.sendReviewInvite(to, { campaignId, text: reviewSlackWords.invite(campaign, open, mine.length, reminder) });
}

/** Files the campaign's Jira issue (found by its label when a create's answer was lost) and keeps its key. */
export async function reviewJiraIssueJob(deps: SideEffectDeps, job: JobOf<'review.jira_issue'>): Promise<void> {
  const { store, ticketing } = deps;
  const campaign = store.reviews.campaign(job.payload.campaignId);
  if (!campaign || campaign.jiraKey) return;
  const label = campaignLabel(campaign.id);
  const ranBefore = job.attempts > 1 || job.lastError !== null;
  const existing = ranBefore ? await ticketing.findIssueByLabel(label) : null;
  const apps = campaign.apps.map((id) => deps.catalog().apps.find((a) => a.id === id)?.name ?? id);
  const issue = existing ?? (await ticketing.createIssue({ ...reviewJiraWords.issue(campaign, apps), label }));
  store.tx(() => {
    store.reviews.updateCampaign(campaign.id, { jiraKey: issue.key, jiraUrl: issue.url });
    store.audit.append({ at: deps.clock.now(), actor: { kind: 'system', reason: 'access review' }, action: 'review.jira_filed', data: { campaignId: campaign.id, jiraKey: issue.key } });
  });
}

/** After the build (it runs behind the issue's creation): the counts on the issue, and the admin's DM. */
export async function reviewOpenedJob(deps: SideEffectDeps, job: JobOf<'review.opened'>): Promise<void> {
  const { store, ticketing, notifier } = deps;
  const campaign = store.reviews.campaign(job.payload.campaignId);
  if (!campaign) return;
  if (campaign.status === 'failed') {
    if (campaign.jiraKey) await ticketing.addComment(campaign.jiraKey, [reviewJiraWords.failed(campaign.failure ?? 'unknown error')]);
    await notifier.sendDm(campaign.createdBy, reviewSlackWords.failed(campaign, campaign.failure ?? 'unknown error'));
    return;
  }
  const items = store.reviews.items(campaign.id);
  const reviewers = reviewersOf(deps, items).length;
  const outside = items.filter((i) => i.grantId === null).length;
  const revoke = items.filter((i) => i.recommendation === 'revoke').length;
  // A retry after the comment went out must not post it twice: the DM goes first, once, then the comment.
  if (job.attempts <= 1 && job.lastError === null) await notifier.sendDm(campaign.createdBy, reviewSlackWords.opened(campaign, items.length, reviewers, outside, campaign.jiraKey));
  if (campaign.jiraKey) await ticketing.addComment(campaign.jiraKey, [reviewJiraWords.opened(items.length, reviewers, outside, revoke)]);
}

/** Reminds reviewers of open campaigns every `reviewRemindEveryMs`; returns how many were reminded. */
export function remindReviewers(deps: WorkflowDeps): number {
  const { store } = deps;
  let reminded = 0;
  for (const campaign of store.reviews.campaigns(['open'])) {
    store.tx(() => {
      const now = deps.clock.now();
      const since = campaign.remindedAt ?? campaign.createdAt;
      if (now.getTime() - since < deps.timing.reviewRemindEveryMs || now.getTime() >= campaign.dueAt) return;
      store.reviews.updateCampaign(campaign.id, { remindedAt: now.getTime() });
      reminded += enqueueReviewerDms(deps, campaign.id, now, true);
    });
  }
  return reminded;
}



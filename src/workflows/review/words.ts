/**
 * What access reviews say in Slack and Jira, in one place. Text a person typed (a revoke reason) is kept
 * as typed in Jira and escaped in Slack.
 */
import { escapeMrkdwn, formatDateTimeUtc } from '../../domain/format.js';
import { REVOKE_REASONS, isRevokeReason } from '../../domain/review.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { IssueDescription } from '../../jira/types.js';
import type { CampaignRow, ReviewItemRow } from '../../store/reviews.repo.js';
import { describeReviewer } from './start.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

/** `No longer needed`, `Other: moved to sales`, `Not reviewed by the due date`. */
export function reasonText(item: Pick<ReviewItemRow, 'decisionReason' | 'decisionNote'>): string {
  const reason = item.decisionReason;
  const base = reason === 'unreviewed' ? 'Not reviewed by the due date' : reason && isRevokeReason(reason) ? REVOKE_REASONS[reason] : (reason ?? '');
  return item.decisionNote ? `${base}: ${item.decisionNote}` : base;
}

export const reviewJiraWords = {
  issue: (c: CampaignRow, apps: readonly string[]): { summary: string; description: IssueDescription } => ({
    summary: `Access review: ${c.name}`,
    description: {
      intro: `Access review #${c.id} run by Keycard. Every decision and every removal is recorded here and in Keycard's audit log.`,
      facts: [
        { label: 'Apps', value: apps.join(', ') },
        { label: 'Reviewers', value: describeReviewer(c.reviewer) },
        { label: 'Due', value: formatDateTimeUtc(new Date(c.dueAt)) },
        { label: 'Undecided at close', value: c.unreviewed === 'keep' ? 'kept and flagged' : 'revoked' },
      ],
      sections: [],
    },
  }),
  opened: (items: number, reviewers: number, outside: number, revokeRecommended: number): string =>
    `Built from the identity providers: ${items} items for ${reviewers} reviewers; ${revokeRecommended} recommended for revocation; ${outside} not granted through Keycard.`,
  failed: (why: string): string => `The review could not be built: ${why}.`,
  revokedInReview: (name: string, item: ReviewItemRow): CommentLine => [
    `Revoked in access review "${name}" by ${item.decidedBy && item.decidedBy !== 'system' ? mention(item.decidedBy) : 'the review policy'}: `,
    { user: reasonText(item) },
  ],
  summary: (s: ReviewSummary, closedBy: string | null, at: Date): string[] => [
    `Closed at ${formatDateTimeUtc(at)}${closedBy ? ` by ${mention(closedBy)}` : ' on its due date'}.`,
    `Kept: ${s.kept} (of which ${s.flagged} not reviewed, kept and flagged).`,
    `Revoked: ${s.revoked} (confirmed by the provider: ${s.confirmed}; in progress: ${s.removing}; failed, retrying: ${s.failing}).`,
    `Not reviewed: ${s.unreviewed}. Access not granted through Keycard found: ${s.outside}.`,
  ],
  allConfirmed: (count: number, at: Date): string => `All ${count} revocations of this review are confirmed by the providers (last at ${formatDateTimeUtc(at)}).`,
};

export interface ReviewSummary {
  readonly items: number;
  readonly kept: number;
  readonly flagged: number;
  readonly revoked: number;
  readonly confirmed: number;
  readonly removing: number;
  readonly failing: number;
  /** Items nobody decided (before the close policy applied, the count it applied to). */
  readonly unreviewed: number;
  readonly outside: number;
}

export const reviewSlackWords = {
  invite: (c: CampaignRow, open: number, total: number, reminder: boolean): string =>
    reminder
      ? `:alarm_clock: Reminder: ${open} of your ${total} items in the access review *${escapeMrkdwn(c.name)}* still need a decision by ${formatDateTimeUtc(new Date(c.dueAt))}.`
      : `:mag: You have ${total} items to review in the access review *${escapeMrkdwn(c.name)}*, due ${formatDateTimeUtc(new Date(c.dueAt))}. Keep what people need; Revoke removes it.`,
  opened: (c: CampaignRow, items: number, reviewers: number, outside: number, jira: string | null): string =>
    `:white_check_mark: Review #${c.id} *${escapeMrkdwn(c.name)}* is open: ${items} items for ${reviewers} reviewers (${outside} not granted through Keycard)${jira ? `; Jira ${jira}` : ''}. Follow it with \`/access-admin review status ${c.id}\`.`,
  failed: (c: CampaignRow, why: string): string => `:warning: Review #${c.id} *${escapeMrkdwn(c.name)}* could not be built: ${escapeMrkdwn(why)}. Fix it and start the review again.`,
  removedInReview: (what: string, name: string, by: string | null): string =>
    `:lock: Your access to *${what}* was removed in the access review *${escapeMrkdwn(name)}*${by && by !== 'system' ? ` by ${mention(by)}` : ''}. Use \`/request\` if you still need it.`,
};

/**
 * What Keycard writes on a Jira issue when it acts on (or refuses) a change someone made in Jira. A person's
 * Jira name is what they typed in their profile, so it goes in a `user` segment and is posted as it is;
 * `<@U…>` mentions are Keycard's own and are written out as "Name (email)" when the comment is posted.
 */
import { formatDateTimeUtc } from '../../domain/format.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { JiraActor } from '../../jira/types.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

/** `Marco Rossi (marco@acme.com)`, or the name alone when Jira hides the email. */
function who(actor: JiraActor | null): { user: string } {
  if (!actor) return { user: 'someone Jira does not name' };
  return { user: actor.email ? `${actor.displayName} (${actor.email})` : actor.displayName };
}

/** `Marco Rossi (marco@acme.com), Ada Admin (ada@acme.com)`, or the admins when nobody else may. */
function whoMay(slackIds: readonly string[]): string {
  return slackIds.length > 0 ? slackIds.map(mention).join(', ') : 'the Keycard admins';
}

/** What the person did in Jira: a move to a status, or a label added. */
export type JiraMove = { readonly via: 'status'; readonly status: string } | { readonly via: 'label'; readonly label: string };

function did(move: JiraMove): string {
  return move.via === 'status' ? `moved this issue to "${move.status}"` : `added the label ${move.label}`;
}

const DECIDE_HOW = 'They decide from their approval card in Slack, or by moving this issue to the approval status themselves.';

export const inboundWords = {
  emailHidden: (actor: JiraActor | null, move: JiraMove): CommentLine => [
    who(actor),
    ` ${did(move)}, but Jira does not show their email address (their Atlassian profile hides it), so Keycard cannot tell who they are in Slack or whether they may do this; nothing was decided. ` +
      'Decide in Slack instead, or make the email address visible in the Atlassian profile (Profile and visibility → Contact → Who can see this: Anyone or your organisation).',
  ],
  noSlackAccount: (actor: JiraActor, move: JiraMove): CommentLine => [
    who(actor),
    ` ${did(move)}, but no Slack account has the email ${actor.email ?? ''}, so Keycard cannot tell whether they may do this; nothing was decided.`,
  ],
  notWaiting: (actor: JiraActor | null, move: JiraMove, requestId: number, status: string): CommentLine => [
    who(actor),
    ` ${did(move)}, but Keycard request #${requestId} is not waiting for an approval (it is ${status.replace(/_/g, ' ')}), so this decides nothing.`,
  ],
  alreadyDecided: (actor: JiraActor | null, move: JiraMove, by: string, at: Date, status: string): CommentLine => [
    who(actor),
    ` ${did(move)}, but ${mention(by)} already ${status === 'denied' ? 'denied' : 'approved'} this stage at ${formatDateTimeUtc(at)}; nothing changed.`,
  ],
  requester: (actor: JiraActor, move: JiraMove, stageNo: string, may: readonly string[]): CommentLine => [
    who(actor),
    ` ${did(move)}, but they asked for this access and may not decide ${stageNo} of their own request. Who may decide: ${whoMay(may)}. ${DECIDE_HOW}`,
  ],
  notApprover: (actor: JiraActor, move: JiraMove, stageNo: string, may: readonly string[]): CommentLine => [
    who(actor),
    ` ${did(move)}, but they are not an approver of ${stageNo}, so this decides nothing. Who may decide: ${whoMay(may)}. ${DECIDE_HOW}`,
  ],
  earlierDecider: (actor: JiraActor, move: JiraMove, stageNo: string, may: readonly string[]): CommentLine => [
    who(actor),
    ` ${did(move)}, but they decided an earlier stage of this request and may not decide ${stageNo} too (separation of duties). Who may decide: ${whoMay(may)}. ${DECIDE_HOW}`,
  ],
  nextStage: (stageNo: string, status: string): string => `Next: ${stageNo}. The issue goes back to "${status}" until that stage is decided.`,
  revokeNotAllowed: (actor: JiraActor, move: JiraMove, admins: readonly string[], appName: string, owner: string): CommentLine => [
    who(actor),
    ` ${did(move)}, but only a Keycard admin or the app's owner may revoke access from Jira; nothing was revoked. ` +
      `Who may: ${admins.length > 0 ? `the Keycard admins, ${admins.map(mention).join(', ')}, or ` : ''}the ${appName} owner, ${owner}.`,
  ],
  nothingToRevoke: (actor: JiraActor | null, move: JiraMove, why: string): CommentLine => [who(actor), ` ${did(move)}, but ${why}; nothing was revoked.`],
  revokeRefused: (message: string): string => message,
  /** The reason recorded with a revoke made in Jira (the holder's DM and the Jira comment say it). */
  revokeReason: (issueKey: string, move: JiraMove): string => (move.via === 'status' ? `${issueKey} moved to "${move.status}" in Jira` : `label ${move.label} added to ${issueKey} in Jira`),
  // What the put-back job says it did, after doing it.
  movedBack: (status: string): string => `Keycard moved the issue back to "${status}".`,
  movedOnSince: (status: string): string => `The issue has moved on since (it is "${status}" now), so Keycard left it there.`,
  cannotMoveBack: (from: string, to: string): string =>
    `Keycard could not move the issue back to "${to}": the workflow offers no transition there from "${from}". Move it back by hand.`,
  labelRemoved: (label: string): string => `Keycard took the label ${label} off again.`,
};

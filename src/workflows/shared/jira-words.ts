/**
 * Every line Keycard writes on a Jira issue, built from domain values in one place. `<@U…>` mentions in
 * Keycard's own text are written out as "Name (email)" when the comment is posted
 * (src/workflows/notify/jira.ts), so the record stands on its own. Text a person typed (a reason) goes in a
 * `userText` segment and is posted exactly as typed: a mention in it is theirs, not Keycard's to rewrite.
 * The Jira adapter turns lines and descriptions into Atlassian Document Format.
 */
import { formatDuration } from '../../domain/duration.js';
import { accessLabel, formatDateTimeUtc, formatTimeUtc } from '../../domain/format.js';
import type { EndReason } from '../../domain/types.js';
import type { IssueDescription } from '../../jira/types.js';
import type { CommentLine } from '../../store/job-kinds.js';
import type { RequestRow } from '../../store/requests.repo.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

/** What a person typed, kept verbatim in the comment. */
function userText(text: string): { user: string } {
  return { user: text };
}

/** The issue a request is filed as. */
export function issueFor(request: RequestRow & { requesterEmail: string }): { summary: string; description: IssueDescription } {
  const requester = request.requesterName ?? request.requesterEmail;
  const approval = request.snapshot.approval;
  return {
    summary: `Access request: ${requester} → ${accessLabel(request.snapshot.appName, request.snapshot.roleName)}`,
    description: {
      intro: `Keycard request #${request.id}.`,
      facts: [
        { label: 'Requester', value: `${requester} (${request.requesterEmail}, Slack ${request.requesterSlackId})` },
        { label: 'App', value: `${request.snapshot.appName} (${request.appId})` },
        { label: 'Role', value: `${request.snapshot.roleName} (${request.roleId}): ${request.snapshot.roleDescription}` },
        { label: 'Provider groups', value: `${request.snapshot.provider}: ${request.snapshot.groups.join(', ') || 'none (manual fulfilment)'}` },
        { label: 'Duration', value: request.durationMs !== null ? formatDuration(request.durationMs) : 'standing access' },
        { label: 'Approval chain', value: approval === 'auto' ? 'auto-approve (catalog policy)' : approval.join(' → ') },
        // Said only when it applies: by default no one decides two stages, and the chain above implies that.
        ...(request.snapshot.distinctApprovers === false && approval !== 'auto'
          ? [{ label: 'Separation of duties', value: 'not required for this role (catalog distinctApprovers: false)' }]
          : []),
        { label: 'Requested', value: formatDateTimeUtc(new Date(request.createdAt)) },
      ],
      sections: [{ heading: 'Justification', text: request.justification || '(none: auto-approved role)' }],
    },
  };
}

export const jiraWords = {
  autoApproved: (what: string, note: string) => `${what}: ${note}.`,
  stageToAdmins: (who: string, reason: string | null) => `Stage "${who}" went to the Keycard admins: ${reason ?? 'no other approver'}.`,
  stageToFallback: (who: string, group: string, reason: string) => `Stage "${who}" went to the ${group} approvers: ${reason}.`,
  approved: (by: string, at: Date, stageNo: string) => `Approved by ${mention(by)} at ${formatTimeUtc(at)}, ${stageNo}.`,
  denied: (by: string, at: Date, stageNo: string, reason: string | null): CommentLine =>
    reason
      ? [`Denied by ${mention(by)} at ${formatTimeUtc(at)}, ${stageNo}: `, userText(reason)]
      : `Denied by ${mention(by)} at ${formatTimeUtc(at)}, ${stageNo} (no reason given)`,
  escalated: (stageNo: string, after: string, to: string, added: readonly string[]) =>
    `No decision on ${stageNo} after ${after}: offered to ${to} as well (${added.map(mention).join(', ')}).`,
  cancelledByRequester: (by: string, at: Date, waiting: string | null) =>
    `Cancelled by the requester, ${mention(by)}, at ${formatDateTimeUtc(at)}${waiting ? ` while ${waiting} was waiting` : ''}. The approvers are no longer asked.`,
  expiredUndecided: (at: Date, ttl: string, waiting: string | null, approvers: readonly string[]) =>
    `Expired at ${formatDateTimeUtc(at)}: no decision within ${ttl}${waiting ? `; ${waiting} was waiting${approvers.length > 0 ? ` on ${approvers.map(mention).join(', ')}` : ''}` : ''}. The request is cancelled.`,
  granted: (g: { userSlackId: string; provider: string; groups: readonly string[]; at: Date; idpUserId: string; endsAt: Date | null; durationMs: number | null }) => [
    `Added ${mention(g.userSlackId)} to ${g.provider} ${g.groups.length === 1 ? 'group' : 'groups'} ${g.groups.join(', ')} at ${formatDateTimeUtc(g.at)} (${g.provider} user id ${g.idpUserId}; membership confirmed).`,
    g.endsAt ? `Access ends ${formatDateTimeUtc(g.endsAt)} (${formatDuration(g.durationMs ?? 0)}).` : 'Access is standing (no end date).',
  ],
  ended: (e: { reason: EndReason; userSlackId: string; groups: readonly string[]; provider: string; at: Date; heldMs: number; note?: string | null }) => {
    const held = formatDuration(e.heldMs);
    const removed = e.groups.length > 0 ? `removed ${mention(e.userSlackId)} from ${e.groups.join(', ')} in ${e.provider}` : `no ${e.provider} group removed`;
    return e.reason === 'relinquished'
      ? `Relinquished by the user after ${held}: ${removed} at ${formatDateTimeUtc(e.at)}.`
      : `Access ended (${e.note ?? e.reason}) at ${formatDateTimeUtc(e.at)} after ${held}: ${removed}.`;
  },
  revoked: (by: string, reason: string): CommentLine => [`Revoked by ${mention(by)}: `, userText(reason)],
  extensionRequested: (by: string, durationMs: number, extensionId: number, chain: string, reason = ''): CommentLine => {
    const line = `Extension requested by ${mention(by)}: ${formatDuration(durationMs)} more (Keycard request #${extensionId}). Approval: ${chain}.`;
    return reason.trim() ? [`${line} Reason: `, userText(reason.trim())] : line;
  },
  extendedByAdmin: (by: string, durationMs: number, extensionId: number, reason: string): CommentLine => [
    `Extension of ${formatDuration(durationMs)} by ${mention(by)}, a Keycard admin, without approval stages (Keycard request #${extensionId}). Reason: `,
    userText(reason),
  ],
  /** Why a group left a grant without being removed by this removal. */
  groupOutcome: (group: string, outcome: 'kept' | 'not_member' | 'no_group', note: string | null) =>
    outcome === 'kept' ? `Kept ${group}: ${note ?? 'still needed by another grant'}.` : outcome === 'not_member' ? `${group}: was no longer a member (nothing to remove).` : `${group}: the group no longer exists (nothing to remove).`,
  rolledBack: (userSlackId: string, removed: readonly string[], provider: string, at: Date) =>
    removed.length > 0
      ? `Provisioning undone at ${formatDateTimeUtc(at)}: removed ${mention(userSlackId)} again from ${removed.join(', ')} in ${provider}. Nothing of this request is held any more.`
      : `Provisioning undone at ${formatDateTimeUtc(at)}: no group had been added, nothing is held.`,
  provisioningUndoing: (added: readonly string[], notAdded: readonly string[]) =>
    `Added to ${added.join(', ')}, could not add to ${notAdded.join(', ')}: ${added.join(', ')} ${added.length === 1 ? 'is' : 'are'} being removed again, so nothing is left behind.`,
  removalStuck: (held: ReadonlyArray<{ group: string }>) =>
    `Removal not finished: still holds ${held.map((h) => h.group).join(', ')}. The Keycard admins have been alerted.`,
  membershipReappeared: (group: string, at: Date) =>
    `${group}: the membership was back at ${formatDateTimeUtc(at)} after it had been removed (a provider write that landed late); removed again.`,
  groupRemovedByHand: (group: string, by: string, reason: string, at: Date): CommentLine => [`${group} recorded as removed by hand by ${mention(by)} at ${formatDateTimeUtc(at)}: `, userText(reason)],
  extended: (addMs: number, approvedBy: string, endsAt: Date, totalMs: number) =>
    `Access extended by ${formatDuration(addMs)} (${approvedBy}): now ends ${formatDateTimeUtc(endsAt)}, ${formatDuration(totalMs)} in all.`,
  awaitingFulfilment: (who: string) => `Waiting for manual fulfilment by ${who}.`,
  awaitingRemoval: (reason: string | null, who: string) => `Access ends (${reason ?? 'ended'}): waiting for ${who} to remove it by hand.`,
  fulfilled: (by: string, at: Date, endsAt: Date | null) => [
    `Fulfilled by hand by ${mention(by)} at ${formatDateTimeUtc(at)}.`,
    endsAt ? `Access ends ${formatDateTimeUtc(endsAt)}.` : 'Access is standing (no end date).',
  ],
  fulfilmentFailed: (by: string, at: Date, requestId: number) =>
    `Manual fulfilment could not be done, said ${mention(by)} at ${formatDateTimeUtc(at)}. An admin can retry with /access-admin retry ${requestId}.`,
  removedByHand: (reason: EndReason, heldMs: number, by: string, at: Date) =>
    `Access ended (${reason}) after ${formatDuration(heldMs)}: removed by hand by ${mention(by)} at ${formatDateTimeUtc(at)}.`,
  removalFailed: (by: string, at: Date) => `Manual removal could not be done, said ${mention(by)} at ${formatDateTimeUtc(at)}; the access is still in place.`,
  // Plain words on the record everyone with the issue reads; the technical detail goes to the alert channel.
  routingFailed: (attempts: number) =>
    `Routing the approval failed after ${attempts} attempt(s): Keycard could not find the approvers. The Keycard admins have been alerted with the details and can retry.`,
  provisioningFailed: (attempts: number, groups: number) =>
    `Provisioning failed after ${attempts} attempt(s): Keycard could not add the requester to the ${groups === 1 ? 'group' : 'groups'}. The Keycard admins have been alerted with the details and can retry.`,
  accountInactive: (provider: string, idpUserId: string, seenBy: string, ends: 'access' | 'request') =>
    `${provider} reports the account ${idpUserId} suspended or deactivated outside Keycard (seen during ${seenBy}): Keycard ${ends === 'access' ? 'ends this access' : 'cancels this request'}.`,
} as const;

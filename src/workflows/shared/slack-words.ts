/**
 * The Slack text Keycard's workflows send: DMs to requesters and approvers, and alerts for IT. Built from
 * domain values in one place; Block Kit messages (cards, notices) are rendered in src/slack/blocks/.
 * Text a person typed is escaped here, never trusted as mrkdwn.
 */
import { formatDuration } from '../../domain/duration.js';
import { escapeMrkdwn, formatDayTimeUtc } from '../../domain/format.js';
import type { EndReason } from '../../domain/types.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

export const slackWords = {
  denied: (what: string, by: string, reason: string | null) =>
    `:no_entry: Your request for *${what}* was denied by ${mention(by)}${reason ? `: ${escapeMrkdwn(reason)}` : ' (no reason given)'}`,
  stageApproved: (what: string, by: string, stageNo: string, next: string) =>
    `:white_check_mark: ${mention(by)} approved ${stageNo} of your request for *${what}*. Next: ${next}.`,
  granted: (what: string, endsAt: Date | null, by?: string) =>
    `:key: You now have *${what}*${endsAt ? ` until ${formatDayTimeUtc(endsAt)}` : ''}${by ? ` (set up by ${mention(by)})` : ''}.`,
  ended: (what: string, reason: EndReason, heldMs: number, note: string | null = null) =>
    reason === 'relinquished'
      ? `:wave: Done: you no longer have *${what}* (you had it for ${formatDuration(heldMs)}). Thanks for giving it back.`
      : `:hourglass: Your access to *${what}* has ended (${note ?? reason} after ${formatDuration(heldMs)}). Use \`/request\` if you need it again.`,
  endedByHand: (what: string, reason: EndReason, heldMs: number) => `:hourglass: Your access to *${what}* has ended (${reason} after ${formatDuration(heldMs)}).`,
  cancelled: (requestId: number, what: string, again: string) => `:x: You cancelled request #${requestId} for *${what}*. Its approvers are no longer asked. ${again}`,
  expiredUndecided: (requestId: number, what: string, ttl: string, again: string) =>
    `:hourglass: Your request #${requestId} for *${what}* expired: nobody decided within ${ttl}, so it was cancelled. ${again}`,
  reminder: (requester: string, what: string, requestId: number, stageNo: string, askedAt: Date) =>
    `:alarm_clock: Reminder: ${mention(requester)} is still waiting for a decision on *${what}* ` +
    `(request #${requestId}, ${stageNo}), asked ${formatDayTimeUtc(askedAt)}. Approve or deny it on the card Keycard sent you.`,
  escalationNote: (toAdmins: boolean, group: string | null, after: string) =>
    toAdmins
      ? `You're asked as a Keycard admin: nobody decided this stage within ${after}.`
      : `You're asked as a fallback approver (${group ?? ''}): nobody decided this stage within ${after}.`,
  extensionVoid: (what: string) => `Your extension of *${what}* could not be applied: the access already ended or reached its limit. Use \`/request\` to ask again.`,
  extended: (what: string, endsAt: Date) => `:white_check_mark: Your *${what}* is extended until ${formatDayTimeUtc(endsAt)}.`,
  manualApproved: (what: string, appName: string) =>
    `:hammer_and_wrench: Your request for *${what}* is approved. ${appName} is set up by hand: IT has the task and you'll get a DM when it's done.`,
  manualFailed: (what: string) => `:warning: IT could not set up *${what}* by hand yet. They have been told; you'll hear when it changes.`,
  // Failures are told to the requester in plain words: the technical detail (status, settings to check, the
  // provider's message, other people's ids) goes to the alert channel and the logs only (alertWords.jobDead).
  routingFailed: (what: string) => `:warning: Your request for *${what}* is waiting: Keycard could not find its approvers. IT has been alerted.`,
  provisioningFailed: (what: string, groups: number) =>
    `:warning: Your request for *${what}* was approved, but Keycard could not grant it yet. Keycard could not add you to the ${groups === 1 ? 'group' : 'groups'}; IT has been alerted and will retry.`,
  cancelledAccountInactive: (requestId: number, what: string, provider: string) => `:x: Your request #${requestId} for *${what}* was cancelled: your ${provider} account is suspended or deactivated.`,
} as const;

export const alertWords = {
  unroutable: (requestId: number, what: string, who: string, reason: string | null) =>
    `Request #${requestId} (${what}) has nobody to approve stage "${who}": ${reason ?? 'no approver'}. Add KEYCARD_ADMINS or fix the catalog, then \`/access-admin retry ${requestId}\`.`,
  nobodyToEscalateTo: (requestId: number, what: string, after: string, stageNo: string) =>
    `Request #${requestId} (${what}) has waited ${after} on ${stageNo} and there is nobody else to ask: give the role a catalog \`fallback\` group or set KEYCARD_ADMINS.`,
  jobDead: (doing: string, request: { id: number; what: string; requester: string } | null, attempts: number, error: string, retry: string, jobId: number) =>
    `:rotating_light: Keycard could not ${doing}${request ? ` for request #${request.id} (${request.what}, ${mention(request.requester)})` : ''} after ${attempts} attempt(s): ${error}. Fix the cause, then ${retry} (or \`/access-admin skip ${jobId}\` if it can never succeed; the jobs after it then go ahead).`,
  notificationDead: (doing: string, request: { id: number; what: string; requester: string } | null, attempts: number, error: string, jobId: number) =>
    `:rotating_light: Keycard could not ${doing}${request ? ` for request #${request.id} (${request.what}, ${mention(request.requester)})` : ''} after ${attempts} attempt(s): ${error}. Later messages to the same person are not held back; \`/access-admin retry job ${jobId}\` sends this one again once the cause is fixed.`,
  provisioningUndone: (request: { id: number; what: string; requester: string }, attempts: number, added: readonly string[], notAdded: readonly string[], error: string) =>
    `:rotating_light: Keycard could not grant request #${request.id} (${request.what}, ${mention(request.requester)}) after ${attempts} attempt(s): added to ${added.join(', ')}, could not add to ${notAdded.join(', ')} (${error}); ${added.join(', ')} ${added.length === 1 ? 'is' : 'are'} being removed again. Fix the cause, then \`/access-admin retry ${request.id}\` once that removal is done.`,
  membershipReappeared: (requestId: number, what: string, holder: string, group: string, provider: string) =>
    `:warning: ${mention(holder)} was back in ${provider} group ${group} after Keycard had removed it (request #${requestId}, ${what}): a write that landed late, or someone added it by hand. Keycard removed it again; check the group's audit in ${provider} if it happens again.`,
  removalStuck: (request: { id: number; what: string; requester: string }, attempts: number, held: ReadonlyArray<{ group: string; error: string | null }>) =>
    `:rotating_light: Removing *${request.what}* from ${mention(request.requester)} (request #${request.id}) is not finished after ${attempts} attempt(s): still holds ${held.map((h) => `${h.group}${h.error ? ` (${h.error})` : ''}`).join(', ')}. ` +
    `Fix the cause, then \`/access-admin retry ${request.id}\` (only what is still held is removed again), or, for a group removed by hand, \`/access-admin removed ${request.id} <group> <reason>\`.`,
  manualRemovalFailed: (what: string, holder: string, by: string, requestId: number) =>
    `:rotating_light: Removing *${what}* from ${mention(holder)} could not be done (said ${mention(by)}). The access is still there; \`/access-admin retry ${requestId}\` opens a new removal task.`,
} as const;

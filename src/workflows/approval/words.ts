/**
 * What delegation adds to the approval story, in Jira (comment lines; `<@U…>` is written out as name and
 * email when posted) and Slack (DMs to the approver and the delegate).
 */
import { formatDateTimeUtc, formatTimeUtc } from '../../domain/format.js';
import type { CommentLine } from '../../store/job-kinds.js';

function mention(slackId: string): string {
  return `<@${slackId}>`;
}

const WHY_NOT: Readonly<Record<'requester' | 'earlier_decider', string>> = {
  requester: 'it is their own request',
  earlier_decider: 'they decided an earlier stage of it (separation of duties)',
};

export const approvalWords = {
  delegatedStage: (stage: string, forId: string, delegate: string, until: Date) =>
    `Stage "${stage}": ${mention(forId)} is away until ${formatDateTimeUtc(until)}, so ${mention(delegate)} is asked for them (delegation).`,
  standInRefused: (stage: string, forId: string, delegate: string, why: 'requester' | 'earlier_decider') =>
    `Stage "${stage}": ${mention(forId)} is away, but their delegate ${mention(delegate)} may not decide this request (${WHY_NOT[why]}), so ${mention(forId)} stays asked.`,
  approvedFor: (by: string, forId: string, at: Date, stageNo: string) => `Approved by ${mention(by)} for ${mention(forId)}, who is away, at ${formatTimeUtc(at)}, ${stageNo}.`,
  deniedFor: (by: string, forId: string, at: Date, stageNo: string, reason: string | null): CommentLine =>
    reason
      ? [`Denied by ${mention(by)} for ${mention(forId)}, who is away, at ${formatTimeUtc(at)}, ${stageNo}: `, { user: reason }]
      : `Denied by ${mention(by)} for ${mention(forId)}, who is away, at ${formatTimeUtc(at)}, ${stageNo} (no reason given)`,
  handedOver: (stageNo: string, forId: string, delegate: string, until: Date) =>
    `${stageNo[0]?.toUpperCase() ?? ''}${stageNo.slice(1)} handed from ${mention(forId)}, who is away until ${formatDateTimeUtc(until)}, to ${mention(delegate)} (delegation).`,
  givenBack: (stageNo: string, forId: string, delegate: string) =>
    `${stageNo[0]?.toUpperCase() ?? ''}${stageNo.slice(1)} goes back to ${mention(forId)}: the delegation to ${mention(delegate)} ended.`,
  /** Slack: the delegate's DM when a delegation starts. */
  delegateTold: (forId: string, by: string, until: Date, handed: number) =>
    `:palm_tree: ${mention(by)} asked you to decide ${mention(forId)}'s access approvals while they are away, until ${formatDateTimeUtc(until)}. Their approval requests come to you, marked "for ${mention(forId)}"${handed > 0 ? `; ${handed} waiting now` : ''}.`,
  approverTold: (delegate: string, by: string, until: Date) =>
    `:palm_tree: While you are away, until ${formatDateTimeUtc(until)}, your access approvals go to ${mention(delegate)} (set by ${mention(by)}). They come back to you when it ends.`,
  delegateEnded: (forId: string, back: number, reason: 'ended' | 'expired', by: string) =>
    `:wave: You no longer decide ${mention(forId)}'s approvals (${reason === 'expired' ? 'the delegation reached its date' : `ended by ${mention(by)}`})${back > 0 ? `; ${back} still waiting went back to them` : ''}.`,
  handedAway: (delegate: string) => `This stage was handed to ${mention(delegate)} while you are away.`,
  delegationOver: (forId: string) => `Your delegation for ${mention(forId)} ended: they decide this stage again.`,
  noLongerAsked: () => 'You are no longer asked to decide this stage.',
} as const;

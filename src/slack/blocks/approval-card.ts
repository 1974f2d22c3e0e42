/**
 * The approval card an approver gets in a DM, and the deny-reason modal. Pure functions.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { escapeMrkdwn, formatDateTimeUtc, formatTimeUtc } from '../../domain/format.js';
import type { ApprovalCard } from '../../workflows/shared/ports.js';

export const APPROVAL_ACTIONS_BLOCK = 'approval_actions';
export const APPROVE_ACTION = 'approval_approve';
export const DENY_ACTION = 'approval_deny';
export const DENY_CALLBACK_ID = 'approval_deny_reason';
export const DENY_REASON_BLOCK = 'deny_reason';
export const DENY_REASON_ACTION = 'deny_reason_input';

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}


function quote(text: string): string {
  return escapeMrkdwn(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

export function approvalCardText(card: ApprovalCard): string {
  return `${card.requesterName} asks for ${card.appName} / ${card.roleName}${card.durationText ? ` for ${card.durationText}` : ''}`;
}

function outcomeText(card: ApprovalCard): string | null {
  const o = card.outcome;
  if (!o) return null;
  if (o.kind === 'closed') return `:information_source: ${o.text}`;
  const forWhom = o.for ? ` for <@${o.for}>` : '';
  if (o.kind === 'approved') return `:white_check_mark: Approved by <@${o.by}>${forWhom} at ${formatTimeUtc(o.at)}`;
  return `:no_entry: Denied by <@${o.by}>${forWhom}${o.reason ? `: ${escapeMrkdwn(o.reason)}` : ''}`;
}

export function buildApprovalCardBlocks(card: ApprovalCard): KnownBlock[] {
  const who = [card.requesterTitle, card.requesterDepartment].filter(Boolean).join(', ');
  const fields = [
    { type: 'mrkdwn' as const, text: `*Requester*\n<@${card.requesterSlackId}>${who ? `\n${escapeMrkdwn(who)}` : ''}` },
    { type: 'mrkdwn' as const, text: `*Access*\n${escapeMrkdwn(card.appName)} / ${escapeMrkdwn(card.roleName)}` },
    { type: 'mrkdwn' as const, text: `*Duration*\n${card.durationText ?? 'Standing access'}` },
    { type: 'mrkdwn' as const, text: `*Groups*\n${clip(card.groups.map((g) => `\`${g}\``).join(', ') || 'none (manual)', 1900)}` },
    { type: 'mrkdwn' as const, text: `*Jira*\n${card.jiraUrl && card.jiraKey ? `<${card.jiraUrl}|${card.jiraKey}>` : '_being created_'}` },
    { type: 'mrkdwn' as const, text: `*Approval*\n${escapeMrkdwn(card.stageText)}${card.stagePersonSlackId ? `<@${card.stagePersonSlackId}>` : ''}` },
  ];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${escapeMrkdwn(card.requesterName)}* asks for *${escapeMrkdwn(card.appName)} / ${escapeMrkdwn(card.roleName)}* (request #${card.requestId})` },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(card.roleDescription) || ' ', 3000) }] },
    { type: 'section', fields },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Why*\n${quote(card.justification || '(no justification)')}`, 3000) } },
  ];
  if (card.onBehalfOf) {
    // A delegate's copy: whom they decide for, and until when.
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:palm_tree: You're asked for <@${card.onBehalfOf.slackId}>, who is away until ${formatDateTimeUtc(card.onBehalfOf.until)}.` }] });
  }
  if (card.note) {
    // An approver added by escalation: say why they are asked, not why the stage's first approvers were.
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:arrow_up: ${escapeMrkdwn(card.note)}` }] });
  } else if (card.escalationReason) {
    const as = card.askedAs === 'fallback' ? 'a fallback approver' : 'a Keycard admin';
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:arrow_up: You're asked as ${as}: ${escapeMrkdwn(card.escalationReason)}.` }] });
  }
  const outcome = outcomeText(card);
  if (outcome) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: outcome } });
    return blocks;
  }
  blocks.push({
    type: 'actions',
    block_id: APPROVAL_ACTIONS_BLOCK,
    elements: [
      { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: String(card.stepId) },
      {
        type: 'button',
        action_id: DENY_ACTION,
        style: 'danger',
        text: { type: 'plain_text', text: 'Deny' },
        value: String(card.stepId),
      },
    ],
  });
  return blocks;
}

export function buildDenyModal(stepId: number, what: string): ModalView {
  return {
    type: 'modal',
    callback_id: DENY_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Deny request' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Back' },
    // Only a pointer: the submission re-reads the step and re-checks the clicker.
    private_metadata: JSON.stringify({ stepId }),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Deny *${escapeMrkdwn(what)}*? The requester sees your reason.` } },
      {
        type: 'input',
        block_id: DENY_REASON_BLOCK,
        optional: true,
        label: { type: 'plain_text', text: 'Reason' },
        element: { type: 'plain_text_input', action_id: DENY_REASON_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}
